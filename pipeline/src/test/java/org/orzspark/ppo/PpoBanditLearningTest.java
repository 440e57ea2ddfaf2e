package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.orzspark.generation.GeneratedSample;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.TestModels;
import org.orzspark.model.TokenBatch;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.train.MicroBatches;

/**
 * The first proof that the loop learns: a toy bandit on the engine's tiny Qwen2 model. Reward 1
 * when the first generated token is one of {@link #TARGET_COUNT} chosen tokens (about 1 in 8 at the
 * start), else 0. Every iteration: generate, score, critic values, GAE, batch normalisation, one
 * policy step and 12 critic steps, exactly the ORZ recipe, with learning rates scaled up for a tiny
 * model and 15 iterations. Measured here: reward 0.16 -> 0.99 in ~7 s (seed 7: 0.14 -> 0.98).
 */
class PpoBanditLearningTest {
  private static final int PROMPTS = 8;
  private static final int SAMPLES = 8;
  private static final int PROMPT_LENGTH = 4;
  private static final int RESPONSE_LENGTH = 3;
  private static final int LENGTH = PROMPT_LENGTH + RESPONSE_LENGTH;
  private static final int FIRST_TARGET = 10;
  private static final int TARGET_COUNT = 8;
  private static final int ITERATIONS = 15;
  private static final long SEED = 42;

  @Test
  void fewIterationsRaiseTheMeanReward() {
    Qwen2Config config = TestModels.tied();
    SamplingParams sampling =
        new SamplingParams(1.0, 1.0, 0, RESPONSE_LENGTH, List.of(), List.of(), List.of());
    List<PromptRequest> prompts =
        IntStream.range(0, PROMPTS)
            .mapToObj(
                p ->
                    new PromptRequest(
                        "p" + p,
                        TestModels.randomTokens(PROMPT_LENGTH, config.vocabSize(), SEED + p),
                        0,
                        SAMPLES))
            .toList();
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(config, SEED, manager);
        CriticModel critic = CriticModel.random(config, SEED + 1, ValueHeadInit.DEFAULT, manager);
        AdamW policyAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(2e-2, 2)), manager);
        AdamW criticAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(1e-2, 12)), manager)) {
      double before = evaluate(policy, prompts, sampling);
      List<Double> trainingRewards = new ArrayList<>();
      for (int iteration = 0; iteration < ITERATIONS; iteration++) {
        List<GeneratedSample> samples =
            new Generator(policy, null, SEED * 1000 + iteration).generate(prompts, sampling);
        Experience exp = experience(prompts, samples, policy, critic, manager);
        trainingRewards.add(exp.meanReward);
        int[] all = MiniBatches.range(0, exp.rows);
        UpdateSchedule.Report policyStep =
            UpdateSchedule.policy(
                policy.parameters(),
                policyAdam,
                MiniBatches.split(all, 16),
                (rows, scope) -> {
                  NDArray logp = policy.tokenLogProbs(exp.batch(rows), scope);
                  LossWeights w =
                      LossReduction.SEQUENCE_MEAN.weights(
                          exp.array(scope, exp.mask, rows), null, exp.rows);
                  return PolicyLoss.ORZ
                      .compute(
                          logp,
                          exp.array(scope, exp.oldLogProbs, rows),
                          exp.array(scope, exp.advantages, rows),
                          w,
                          null,
                          null)
                      .loss();
                },
                GradientAllReduce.LOCAL);
        assertThat(policyStep.step().applied()).isTrue();
        List<int[]> plan =
            MiniBatches.shuffled(
                exp.rows, MiniBatches.CRITIC_MINI_BATCHES_DEFAULT, SEED + iteration);
        List<UpdateSchedule.Report> criticSteps =
            UpdateSchedule.critic(
                critic.parameters(),
                criticAdam,
                plan,
                rows -> List.of(rows),
                (rows, scope) -> {
                  NDArray values = MicroBatches.actionValues(critic.values(exp.batch(rows), scope));
                  LossWeights w =
                      LossReduction.SEQUENCE_MEAN.weights(
                          exp.array(scope, exp.mask, rows), null, rows.length);
                  return ValueLoss.CLIPPED
                      .compute(
                          values,
                          exp.array(scope, exp.oldValues, rows),
                          exp.array(scope, exp.returns, rows),
                          w)
                      .loss();
                },
                GradientAllReduce.LOCAL);
        assertThat(criticSteps).hasSize(12).allMatch(r -> r.step().applied());
      }
      double after = evaluate(policy, prompts, sampling);
      System.out.printf(
          "bandit: reward %.3f -> %.3f; per iteration %s%n",
          before, after, trainingRewards.stream().map(r -> String.format("%.2f", r)).toList());
      assertThat(policyAdam.stepCount()).isEqualTo(ITERATIONS);
      assertThat(criticAdam.stepCount()).isEqualTo(12L * ITERATIONS);
      assertThat(before).isLessThan(0.3);
      assertThat(after).isGreaterThan(before + 0.3);
    }
  }

  /** Mean reward over 32 fresh samples per prompt, from a seed the training never uses. */
  private static double evaluate(
      PolicyModel policy, List<PromptRequest> prompts, SamplingParams sampling) {
    List<PromptRequest> many =
        prompts.stream()
            .map(p -> new PromptRequest(p.promptId(), p.promptTokens(), 0, 32))
            .toList();
    return new Generator(policy, null, -SEED)
        .generate(many, sampling).stream()
            .mapToDouble(PpoBanditLearningTest::reward)
            .average()
            .orElseThrow();
  }

  private static double reward(GeneratedSample s) {
    int first = s.tokens()[0];
    return first >= FIRST_TARGET && first < FIRST_TARGET + TARGET_COUNT ? 1 : 0;
  }

  /** The iteration's experience as host arrays [rows x LENGTH], one sample per row. */
  private static Experience experience(
      List<PromptRequest> prompts,
      List<GeneratedSample> samples,
      PolicyModel policy,
      CriticModel critic,
      NDManager parent) {
    int rows = samples.size();
    int[] tokens = new int[rows * LENGTH];
    int[] segments = new int[rows * LENGTH];
    float[] mask = new float[rows * LENGTH];
    float[] rewards = new float[rows];
    for (int i = 0; i < rows; i++) {
      GeneratedSample s = samples.get(i);
      int[] prompt = prompts.get(i / SAMPLES).promptTokens();
      assertThat(s.tokens()).hasSize(RESPONSE_LENGTH);
      for (int t = 0; t < LENGTH; t++) {
        tokens[i * LENGTH + t] = t < PROMPT_LENGTH ? prompt[t] : s.tokens()[t - PROMPT_LENGTH];
        segments[i * LENGTH + t] = 1;
        mask[i * LENGTH + t] = t < PROMPT_LENGTH ? 0 : 1;
      }
      rewards[i] = (float) reward(s);
    }
    Experience exp = new Experience(rows, tokens, segments, mask);
    try (NDManager scope = parent.newSubManager()) {
      int[] all = MiniBatches.range(0, rows);
      TokenBatch batch = exp.batch(all);
      NDArray maskArray = exp.array(scope, mask, all);
      exp.oldLogProbs = policy.tokenLogProbs(batch, scope).toFloatArray();
      NDArray values = MicroBatches.actionValues(critic.values(batch, scope));
      exp.oldValues = values.toFloatArray();
      Gae.Result gae =
          Gae.compute(
              Gae.terminalRewards(maskArray, scope.create(rewards)), values, maskArray, null);
      exp.returns = gae.returns().toFloatArray();
      exp.advantages =
          AdvantageNormalization.apply(
                  gae.advantages(), maskArray, AdvantageStats.of(gae.advantages(), maskArray))
              .toFloatArray();
    }
    exp.meanReward = IntStream.range(0, rows).mapToDouble(i -> rewards[i]).average().orElseThrow();
    return exp;
  }

  private static final class Experience {
    final int rows;
    final int[] tokens;
    final int[] segments;
    final float[] mask;
    float[] oldLogProbs;
    float[] oldValues;
    float[] returns;
    float[] advantages;
    double meanReward;

    Experience(int rows, int[] tokens, int[] segments, float[] mask) {
      this.rows = rows;
      this.tokens = tokens;
      this.segments = segments;
      this.mask = mask;
    }

    TokenBatch batch(int[] selected) {
      return TokenBatch.of(
          selected.length, LENGTH, pick(tokens, selected), pick(segments, selected));
    }

    NDArray array(NDManager m, float[] data, int[] selected) {
      float[] out = new float[selected.length * LENGTH];
      for (int i = 0; i < selected.length; i++) {
        System.arraycopy(data, selected[i] * LENGTH, out, i * LENGTH, LENGTH);
      }
      return m.create(out, new Shape(selected.length, LENGTH));
    }

    private static int[] pick(int[] data, int[] selected) {
      int[] out = new int[selected.length * LENGTH];
      for (int i = 0; i < selected.length; i++) {
        System.arraycopy(data, selected[i] * LENGTH, out, i * LENGTH, LENGTH);
      }
      return out;
    }
  }
}
