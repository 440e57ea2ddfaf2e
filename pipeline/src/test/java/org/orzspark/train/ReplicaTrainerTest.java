package org.orzspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.orzspark.collective.LocalRings;
import org.orzspark.collective.RingAllReduce;
import org.orzspark.model.ActivationMemory;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.TestModels;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.GradientAllReduce;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.UpdateSchedule;
import org.orzspark.ppo.ValueLoss;
import org.orzspark.ppo.WarmupSchedule;

/**
 * The update wiring end to end on a tiny model: experience from the real policy and critic, then 1
 * policy step and 4 critic steps; two replicas over the TCP ring with unequal shards end
 * bit-identical to each other and equal (to float tolerance) to one replica on all rows.
 */
class ReplicaTrainerTest {
  private static final Qwen2Config CONFIG = TestModels.tied();

  @ParameterizedTest
  @EnumSource(LossReduction.class)
  void twoReplicasOnUnequalShardsEqualOneReplicaOnAll(LossReduction reduction) throws Exception {
    ReplicaTrainer.Settings settings =
        new ReplicaTrainer.Settings(reduction, PolicyLoss.ORZ, ValueLoss.CLIPPED, 1, 4, 40, 11);
    List<ExperienceRow> experience = experience();
    assertThat(experience).hasSize(9);
    for (ExperienceRow row : experience) {
      // gamma = lambda = 1 with a terminal reward: A_t = R - V_t and R_t = R.
      for (int t = 0; t < row.values().length; t++) {
        assertThat(row.returns()[t])
            .isCloseTo(row.response().reward(), org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(row.advantages()[t])
            .isCloseTo(
                row.response().reward() - row.values()[t],
                org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
    int[] lengths = experience.stream().mapToInt(r -> r.response().responseLength()).toArray();

    Result single = train(settings, experience, 0, lengths, GradientAllReduce.LOCAL);
    assertThat(single.report.allApplied()).isTrue();
    assertThat(single.report.policySteps()).hasSize(1);
    assertThat(single.report.criticSteps()).hasSize(4);
    assertThat(single.stepsHeard).as("step hook calls").isEqualTo(settings.steps()).isEqualTo(5);

    // Micro-batches of one row each (a 1-token budget) instead of up to 40 tokens: same update.
    ReplicaTrainer.Settings oneRow =
        new ReplicaTrainer.Settings(reduction, PolicyLoss.ORZ, ValueLoss.CLIPPED, 1, 4, 1, 11);
    Result rowByRow = train(oneRow, experience, 0, lengths, GradientAllReduce.LOCAL);
    assertSameSteps(rowByRow.report, single.report);
    assertClose(rowByRow.policyWeights, single.policyWeights);
    assertClose(rowByRow.criticWeights, single.criticWeights);

    List<RingAllReduce> rings = LocalRings.open(2, Duration.ofSeconds(30));
    int split = 3;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Result>> replicas = new ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        int r = rank;
        replicas.add(
            pool.submit(
                () -> {
                  try (RingAllReduce ring = rings.get(r)) {
                    List<ExperienceRow> shard =
                        r == 0
                            ? experience.subList(0, split)
                            : experience.subList(split, experience.size());
                    return train(
                        settings,
                        shard,
                        r == 0 ? 0 : split,
                        lengths,
                        local -> {
                          try {
                            ring.sumInPlace(local);
                            return local;
                          } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                          }
                        });
                  }
                }));
      }
      Result first = replicas.get(0).get();
      Result second = replicas.get(1).get();
      assertThat(first.policyDigest).isEqualTo(second.policyDigest);
      assertThat(first.criticDigest).isEqualTo(second.criticDigest);
      assertThat(first.report.policySteps().get(0).loss())
          .isCloseTo(
              single.report.policySteps().get(0).loss(), org.assertj.core.data.Offset.offset(1e-5));
      assertSameSteps(second.report, single.report);
      assertClose(first.policyWeights, single.policyWeights);
      assertClose(first.criticWeights, single.criticWeights);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ActivationMemory.class,
      names = {"RECOMPUTE_LOGITS", "RECOMPUTE_LAYERS"})
  void recomputingActivationsGivesTheSameUpdateAsKeepingThem(ActivationMemory memory) {
    List<ExperienceRow> experience = experience();
    int[] lengths = experience.stream().mapToInt(r -> r.response().responseLength()).toArray();
    Result keep =
        train(
            new ReplicaTrainer.Settings(
                LossReduction.SEQUENCE_MEAN,
                PolicyLoss.ORZ,
                ValueLoss.CLIPPED,
                1,
                4,
                40,
                11,
                ActivationMemory.KEEP,
                false),
            experience,
            0,
            lengths,
            GradientAllReduce.LOCAL);
    Result recomputed =
        train(
            new ReplicaTrainer.Settings(
                LossReduction.SEQUENCE_MEAN,
                PolicyLoss.ORZ,
                ValueLoss.CLIPPED,
                1,
                4,
                40,
                11,
                memory,
                false),
            experience,
            0,
            lengths,
            GradientAllReduce.LOCAL);
    assertThat(recomputed.report.allApplied()).isTrue();
    assertSameSteps(recomputed.report, keep.report);
    assertClose(recomputed.policyWeights, keep.policyWeights);
    assertClose(recomputed.criticWeights, keep.criticWeights);
  }

  /**
   * Packed micro-batches (several sequences per row, the template prefix computed once for all of
   * them) give the padded path's experience, losses, gradient norms and weights, to fp32 rounding.
   */
  @ParameterizedTest
  @CsvSource({
    "SEQUENCE_MEAN, RECOMPUTE_LOGITS",
    "TOKEN_MEAN, RECOMPUTE_LOGITS",
    "SEQUENCE_MEAN, RECOMPUTE_LAYERS",
    "TOKEN_MEAN, KEEP"
  })
  void packedMicroBatchesGiveThePaddedUpdate(LossReduction reduction, ActivationMemory memory) {
    List<ScoredResponse> responses = templated(9);
    List<ExperienceRow> padded = experience(responses, false);
    List<ExperienceRow> packed = experience(responses, true);
    for (int i = 0; i < padded.size(); i++) {
      assertClose(packed.get(i).oldLogProbs(), padded.get(i).oldLogProbs());
      assertClose(packed.get(i).values(), padded.get(i).values());
      assertClose(packed.get(i).advantages(), padded.get(i).advantages());
      assertClose(packed.get(i).returns(), padded.get(i).returns());
    }
    int[] lengths = padded.stream().mapToInt(r -> r.response().responseLength()).toArray();
    // 48 tokens: packed rows of up to the longest rest after the shared prefix, two micro-batches
    List<float[]> paddedGradients = new ArrayList<>();
    List<float[]> packedGradients = new ArrayList<>();
    Result onePerRow =
        train(settings(reduction, memory, 48, false), padded, 0, lengths, into(paddedGradients));
    Result sideBySide =
        train(settings(reduction, memory, 48, true), padded, 0, lengths, into(packedGradients));
    assertThat(sideBySide.report.allApplied()).isTrue();
    assertSameSteps(sideBySide.report, onePerRow.report);
    // Every step's gradient (and trailing loss scalars), entry by entry: the weights themselves
    // would amplify rounding (Adam's first step divides each entry by its own size).
    assertThat(packedGradients).hasSameSizeAs(paddedGradients);
    for (int i = 0; i < paddedGradients.size(); i++) {
      float[] expected = paddedGradients.get(i);
      float scale = 0;
      for (float e : expected) {
        scale = Math.max(scale, Math.abs(e));
      }
      float[] actual = packedGradients.get(i);
      for (int j = 0; j < expected.length; j++) {
        assertThat(actual[j])
            .as("bucket %d entry %d", i, j)
            .isCloseTo(expected[j], org.assertj.core.data.Offset.offset(2e-5f * scale));
      }
    }
  }

  /** An all-reduce of one replica that records every bucket it sums. */
  private static GradientAllReduce into(List<float[]> buckets) {
    return local -> {
      float[] copy = new float[local.remaining()];
      local.duplicate().get(copy);
      buckets.add(copy);
      return local;
    };
  }

  private static ReplicaTrainer.Settings settings(
      LossReduction reduction, ActivationMemory memory, int tokens, boolean packing) {
    return new ReplicaTrainer.Settings(
        reduction, PolicyLoss.ORZ, ValueLoss.CLIPPED, 1, 4, tokens, 11, memory, packing);
  }

  /** Responses that all start with the same 20-token template, then prompts and responses. */
  private static List<ScoredResponse> templated(int count) {
    int[] template = TestModels.randomTokens(20, CONFIG.vocabSize(), 99);
    List<ScoredResponse> out = new ArrayList<>();
    for (ScoredResponse r : responses(count)) {
      int[] tokens = java.util.Arrays.copyOf(template, template.length + r.tokens().length);
      System.arraycopy(r.tokens(), 0, tokens, template.length, r.tokens().length);
      out.add(
          new ScoredResponse(
              r.promptId(),
              r.sampleIndex(),
              tokens,
              template.length + r.promptLength(),
              r.reward()));
    }
    return out;
  }

  @Test
  void nonFiniteAdvantagesRefuseThePolicyStepAndLeaveThePolicyUntouched() {
    List<ExperienceRow> experience = new ArrayList<>(experience());
    ExperienceRow poisoned = experience.get(4);
    float[] advantages = poisoned.advantages().clone();
    advantages[0] = Float.NaN;
    experience.set(4, poisoned.withAdvantages(advantages));
    int[] lengths = experience.stream().mapToInt(r -> r.response().responseLength()).toArray();
    ReplicaTrainer.Settings settings =
        new ReplicaTrainer.Settings(
            LossReduction.SEQUENCE_MEAN, PolicyLoss.ORZ, ValueLoss.CLIPPED, 1, 4, 40, 11);
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(CONFIG, 1, manager);
        CriticModel critic = CriticModel.random(CONFIG, 2, ValueHeadInit.DEFAULT, manager);
        AdamW policyAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(1e-2, 1)), manager);
        AdamW criticAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(1e-2, 1)), manager)) {
      String before = ParameterDigest.of(policy.parameters());
      ReplicaTrainer.Report report =
          new ReplicaTrainer(policy, critic, settings)
              .update(
                  experience,
                  0,
                  lengths,
                  policyAdam,
                  criticAdam,
                  GradientAllReduce.LOCAL,
                  () -> {});
      assertThat(report.allApplied()).isFalse();
      AdamW.Step policyStep = report.policySteps().get(0).step();
      assertThat(policyStep.applied()).isFalse();
      assertThat(policyStep.refusal()).isEqualTo("non-finite loss NaN");
      assertThat(policyAdam.stepCount()).isZero();
      assertThat(ParameterDigest.of(policy.parameters())).isEqualTo(before);
    }
  }

  /** Every optimizer step's pre-clip gradient norm (Adam's first step hides a gradient's scale). */
  private static void assertSameSteps(
      ReplicaTrainer.Report actual, ReplicaTrainer.Report expected) {
    List<UpdateSchedule.Report> want = new ArrayList<>(expected.policySteps());
    want.addAll(expected.criticSteps());
    List<UpdateSchedule.Report> got = new ArrayList<>(actual.policySteps());
    got.addAll(actual.criticSteps());
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      double norm = want.get(i).step().gradNorm();
      assertThat(got.get(i).step().gradNorm())
          .as("step %d", i)
          .isCloseTo(norm, org.assertj.core.data.Offset.offset(1e-5 * norm));
      assertThat(got.get(i).loss())
          .as("step %d loss", i)
          .isCloseTo(want.get(i).loss(), org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void theExperienceHearsEveryMicroBatchOnce() {
    List<Integer> batches = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(CONFIG, 1, manager);
        CriticModel critic = CriticModel.random(CONFIG, 2, ValueHeadInit.DEFAULT, manager)) {
      // A 1-token budget: every response is a micro-batch of its own.
      new ExperienceComputer(policy, critic, 1, false, 1.0, 1.0)
          .compute(responses(9), manager, batches::add);
    }
    assertThat(batches).hasSize(9).containsOnly(1);
  }

  /** GAE experience of 9 responses from a tiny random policy and critic. */
  static List<ExperienceRow> experience() {
    return experience(responses(9), false);
  }

  /** GAE experience of {@code responses} in micro-batches of up to 40 tokens. */
  private static List<ExperienceRow> experience(List<ScoredResponse> responses, boolean packing) {
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(CONFIG, 1, manager);
        CriticModel critic = CriticModel.random(CONFIG, 2, ValueHeadInit.DEFAULT, manager)) {
      return new ExperienceComputer(policy, critic, 40, packing, 1.0, 1.0)
          .compute(responses, manager);
    }
  }

  private record Result(
      ReplicaTrainer.Report report,
      String policyDigest,
      String criticDigest,
      float[] policyWeights,
      float[] criticWeights,
      int stepsHeard) {}

  /** A fresh replica (same initial weights every time) trained on {@code shard}. */
  private static Result train(
      ReplicaTrainer.Settings settings,
      List<ExperienceRow> shard,
      int from,
      int[] lengths,
      GradientAllReduce allReduce) {
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(CONFIG, 1, manager);
        CriticModel critic = CriticModel.random(CONFIG, 2, ValueHeadInit.DEFAULT, manager);
        AdamW policyAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(1e-2, 1)), manager);
        AdamW criticAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(1e-2, 1)), manager)) {
      int[] steps = {0};
      ReplicaTrainer.Report report =
          new ReplicaTrainer(policy, critic, settings)
              .update(shard, from, lengths, policyAdam, criticAdam, allReduce, () -> steps[0]++);
      return new Result(
          report,
          ParameterDigest.of(policy.parameters()),
          ParameterDigest.of(critic.parameters()),
          flat(policy),
          flat(critic),
          steps[0]);
    }
  }

  private static float[] flat(org.orzspark.model.Qwen2Model model) {
    List<Float> all = new ArrayList<>();
    for (Pair<String, Parameter> p : model.parameters()) {
      for (float v : p.getValue().getArray().toFloatArray()) {
        all.add(v);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    double maxDiff = 0;
    for (int i = 0; i < actual.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    }
    // Adam's first steps divide each gradient entry by its own size, so a near-zero entry's
    // rounding (summation order differs between one and two replicas) moves its weight by up to
    // ~1e-5 of a 1e-2 step; the gradient norms above agree to 1e-5 relative.
    assertThat(maxDiff).isLessThan(5e-5);
  }

  /** Responses of different prompt and response lengths with rewards 0/1. */
  private static List<ScoredResponse> responses(int count) {
    SplittableRandom random = new SplittableRandom(5);
    List<ScoredResponse> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int prompt = 2 + random.nextInt(4);
      int response = 1 + random.nextInt(6);
      out.add(
          new ScoredResponse(
              "p" + i / 3,
              i % 3,
              TestModels.randomTokens(prompt + response, CONFIG.vocabSize(), i),
              prompt,
              random.nextInt(2)));
    }
    return out;
  }
}
