package org.orzspark.pretrain;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.datasets.synth.SyntheticProblem;
import org.orzspark.generation.GeneratedSample;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Tokenizers;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.ResponseFormat;
import org.orzspark.reward.verify.VerifyOptions;

/**
 * Scores a policy on held-out problems the way RL will see them: the ORZ template prompt, one
 * response per problem sampled with the ORZ stop strings, the ORZ reward ({@link OrzReward}) for
 * accuracy and {@link ResponseFormat} for the format.
 */
public final class HeldOutEvaluator {

  /**
   * Figures at one temperature.
   *
   * @param accuracy mean ORZ reward: share of finished responses whose boxed answer equals the
   *     reference
   * @param formatRate share of responses in the ORZ format ({@link ResponseFormat#isWellFormed})
   * @param meanResponseTokens mean response length in tokens
   * @param accuracyByFamily accuracy per synthetic family, in family order of first appearance
   */
  public record Evaluation(
      double temperature,
      int problems,
      double accuracy,
      double formatRate,
      double meanResponseTokens,
      Map<String, Double> accuracyByFamily) {}

  private final PolicyModel model;
  private final HuggingFaceTokenizer tokenizer;
  private final int maxNewTokens;
  private final long seed;

  public HeldOutEvaluator(
      PolicyModel model, HuggingFaceTokenizer tokenizer, int maxNewTokens, long seed) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.maxNewTokens = maxNewTokens;
    this.seed = seed;
  }

  /** One response per problem at {@code temperature} (0 = greedy). */
  public Evaluation evaluate(List<SyntheticProblem> problems, double temperature) {
    List<PromptRequest> requests = new ArrayList<>(problems.size());
    for (int i = 0; i < problems.size(); i++) {
      int[] prompt =
          Tokenizers.encode(tokenizer, PromptTemplate.render(problems.get(i).question()));
      requests.add(new PromptRequest("held-out-" + i, prompt, 0, 1));
    }
    SamplingParams params =
        SamplingParams.orz(maxNewTokens, model.config().eosTokenIds()).withTemperature(temperature);
    List<GeneratedSample> samples =
        new Generator(model, Tokenizers.decoder(tokenizer), seed).generate(requests, params);
    int correct = 0;
    int wellFormed = 0;
    long tokens = 0;
    Map<String, int[]> byFamily = new LinkedHashMap<>();
    for (int i = 0; i < samples.size(); i++) {
      GeneratedSample sample = samples.get(i);
      boolean finished = GeneratedSample.STOP.equals(sample.finishReason());
      int reward =
          (int)
              OrzReward.score(
                  sample.text(), problems.get(i).answer(), finished, VerifyOptions.DEFAULTS);
      correct += reward;
      int[] family = byFamily.computeIfAbsent(problems.get(i).family(), f -> new int[2]);
      family[0] += reward;
      family[1]++;
      wellFormed += ResponseFormat.isWellFormed(sample.text()) ? 1 : 0;
      tokens += samples.get(i).tokens().length;
    }
    int n = Math.max(1, samples.size());
    Map<String, Double> accuracyByFamily = new LinkedHashMap<>();
    byFamily.forEach(
        (family, counts) -> accuracyByFamily.put(family, (double) counts[0] / counts[1]));
    return new Evaluation(
        temperature,
        samples.size(),
        (double) correct / n,
        (double) wellFormed / n,
        (double) tokens / n,
        accuracyByFamily);
  }
}
