package org.orzspark.generation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Draws one token from a row of logits by inverse-CDF sampling with a given uniform number. */
public final class TokenSampler {
  private TokenSampler() {}

  /**
   * A drawn token and its log-probability.
   *
   * @param token the token id
   * @param logProb log softmax(logits / T)[token] (T = 1 when greedy), before top-k/top-p
   */
  public record Draw(int token, float logProb) {}

  /**
   * Samples from {@code logits[offset, offset + vocab)}.
   *
   * <p>With T = 0 the argmax (lowest id among ties). Otherwise p = softmax(logits / T); with top-k
   * the k most likely tokens are kept, then with top-p the shortest most-likely-first prefix whose
   * renormalised mass reaches topP; the token is the first, in order (vocabulary order without
   * truncation, most likely first with it), whose cumulative mass exceeds u · (kept mass).
   *
   * @param u uniform in [0, 1)
   */
  public static Draw sample(float[] logits, int offset, int vocab, SamplingParams params, double u) {
    double temperature = params.temperature() == 0 ? 1 : params.temperature();
    double max = Double.NEGATIVE_INFINITY;
    int argmax = 0;
    for (int i = 0; i < vocab; i++) {
      if (logits[offset + i] > max) {
        max = logits[offset + i];
        argmax = i;
      }
    }
    double[] weights = new double[vocab];
    double total = 0;
    for (int i = 0; i < vocab; i++) {
      weights[i] = Math.exp((logits[offset + i] - max) / temperature);
      total += weights[i];
    }
    double logTotal = Math.log(total);
    if (params.temperature() == 0) {
      return new Draw(argmax, (float) (Math.log(weights[argmax]) - logTotal));
    }
    int[] order = candidates(weights, total, params);
    double kept = 0;
    for (int token : order) {
      kept += weights[token];
    }
    double target = u * kept;
    double cumulative = 0;
    int chosen = order[order.length - 1];
    for (int token : order) {
      cumulative += weights[token];
      if (cumulative > target && weights[token] > 0) {
        chosen = token;
        break;
      }
    }
    return new Draw(chosen, (float) (Math.log(weights[chosen]) - logTotal));
  }

  /** The tokens sampling may pick, in the order the cumulative mass is walked. */
  private static int[] candidates(double[] weights, double total, SamplingParams params) {
    int vocab = weights.length;
    boolean topK = params.topK() > 0 && params.topK() < vocab;
    if (!topK && params.topP() >= 1) {
      return IntStream.range(0, vocab).toArray();
    }
    Integer[] sorted = new Integer[vocab];
    Arrays.setAll(sorted, i -> i);
    Arrays.sort(sorted, Comparator.comparingDouble((Integer i) -> -weights[i]));
    int keep = topK ? params.topK() : vocab;
    if (params.topP() < 1) {
      double keptMass = 0;
      for (int i = 0; i < keep; i++) {
        keptMass += weights[sorted[i]];
      }
      double cumulative = 0;
      for (int i = 0; i < keep; i++) {
        cumulative += weights[sorted[i]];
        if (cumulative >= params.topP() * keptMass) {
          keep = i + 1;
          break;
        }
      }
    }
    int[] order = new int[keep];
    for (int i = 0; i < keep; i++) {
      order[i] = sorted[i];
    }
    return order;
  }
}
