package org.orzspark.pretrain;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.datasets.synth.SyntheticProblem;
import org.orzspark.generation.GeneratedSample;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Tokenizers;

/**
 * Scores a policy on held-out problems the way RL will see them: the ORZ template prompt, one
 * response per problem sampled with the ORZ stop strings, and {@link ExactAnswerCheck} for accuracy
 * and format.
 */
public final class HeldOutEvaluator {

  /**
   * Figures at one temperature.
   *
   * @param accuracy share of responses whose extracted answer is the reference
   * @param formatRate share of responses in the ORZ format ({@link ExactAnswerCheck#isWellFormed})
   * @param meanResponseTokens mean response length in tokens
   */
  public record Evaluation(
      double temperature, int problems, double accuracy, double formatRate, double meanResponseTokens) {}

  private final PolicyModel model;
  private final HuggingFaceTokenizer tokenizer;
  private final int maxNewTokens;
  private final long seed;

  public HeldOutEvaluator(PolicyModel model, HuggingFaceTokenizer tokenizer, int maxNewTokens, long seed) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.maxNewTokens = maxNewTokens;
    this.seed = seed;
  }

  /** One response per problem at {@code temperature} (0 = greedy). */
  public Evaluation evaluate(List<SyntheticProblem> problems, double temperature) {
    List<PromptRequest> requests = new ArrayList<>(problems.size());
    for (int i = 0; i < problems.size(); i++) {
      int[] prompt = Tokenizers.encode(tokenizer, PromptTemplate.render(problems.get(i).question()));
      requests.add(new PromptRequest("held-out-" + i, prompt, 0, 1));
    }
    SamplingParams params =
        SamplingParams.orz(maxNewTokens, model.config().eosTokenIds()).withTemperature(temperature);
    List<GeneratedSample> samples =
        new Generator(model, Tokenizers.decoder(tokenizer), seed).generate(requests, params);
    int correct = 0;
    int wellFormed = 0;
    long tokens = 0;
    for (int i = 0; i < samples.size(); i++) {
      String response = samples.get(i).text();
      correct += ExactAnswerCheck.isCorrect(response, problems.get(i).answer()) ? 1 : 0;
      wellFormed += ExactAnswerCheck.isWellFormed(response) ? 1 : 0;
      tokens += samples.get(i).tokens().length;
    }
    int n = Math.max(1, samples.size());
    return new Evaluation(
        temperature, samples.size(), (double) correct / n, (double) wellFormed / n, (double) tokens / n);
  }
}
