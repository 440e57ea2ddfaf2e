package org.orzspark.generation;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The sampler the engine's {@link TokenSampler} reproduces, written as a plain loop over a host
 * copy of the next-token distribution (cumulative sums in double): the reference of the equivalence
 * test.
 */
final class ReferenceTokenSampler {
  private ReferenceTokenSampler() {}

  /**
   * A drawn token and its log-probability.
   *
   * @param token the token id
   * @param logProb log p(token) under softmax(logits / T) (T = 1 when greedy), before top-k/top-p
   */
  record Draw(int token, float logProb) {}

  /**
   * Samples from {@code probabilities[offset, offset + vocab)} (softmax(logits / T), T = 1 when
   * greedy).
   *
   * <p>Greedy (T = 0): the most likely token (lowest id among ties). Otherwise, with top-k only the
   * k most likely tokens are kept, then with top-p the shortest most-likely-first prefix whose
   * renormalised mass reaches topP; the token is the first, in order (vocabulary order without
   * truncation, most likely first with it), whose cumulative mass exceeds u · (kept mass).
   *
   * @param u uniform in [0, 1)
   */
  static Draw sample(
      float[] probabilities, int offset, int vocab, SamplingParams params, double u) {
    if (params.temperature() == 0) {
      int argmax = 0;
      for (int i = 1; i < vocab; i++) {
        if (probabilities[offset + i] > probabilities[offset + argmax]) {
          argmax = i;
        }
      }
      return draw(probabilities, offset, argmax);
    }
    int[] order = candidates(probabilities, offset, vocab, params);
    int count = order == null ? vocab : order.length;
    double kept = 0;
    for (int i = 0; i < count; i++) {
      kept += probabilities[offset + (order == null ? i : order[i])];
    }
    double target = u * kept;
    double cumulative = 0;
    int chosen = -1;
    for (int i = 0; i < count; i++) {
      int token = order == null ? i : order[i];
      float p = probabilities[offset + token];
      cumulative += p;
      if (p > 0) {
        chosen = token;
        if (cumulative > target) {
          break;
        }
      }
    }
    return draw(probabilities, offset, chosen < 0 ? (order == null ? 0 : order[0]) : chosen);
  }

  private static Draw draw(float[] probabilities, int offset, int token) {
    return new Draw(token, (float) Math.log(probabilities[offset + token]));
  }

  /**
   * The tokens sampling may pick, in the order the cumulative mass is walked; null for the whole
   * vocabulary in id order (no truncation).
   */
  private static int[] candidates(float[] p, int offset, int vocab, SamplingParams params) {
    boolean topK = params.topK() > 0 && params.topK() < vocab;
    if (!topK && params.topP() >= 1) {
      return null;
    }
    Integer[] sorted = new Integer[vocab];
    Arrays.setAll(sorted, i -> i);
    Arrays.sort(sorted, Comparator.comparingDouble((Integer i) -> -p[offset + i]));
    int keep = topK ? params.topK() : vocab;
    if (params.topP() < 1) {
      double keptMass = 0;
      for (int i = 0; i < keep; i++) {
        keptMass += p[offset + sorted[i]];
      }
      double cumulative = 0;
      for (int i = 0; i < keep; i++) {
        cumulative += p[offset + sorted[i]];
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
