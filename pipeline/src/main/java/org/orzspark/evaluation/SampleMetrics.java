package org.orzspark.evaluation;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy figures over k samples per question, as pure functions of per-sample outcomes.
 *
 * <ul>
 *   <li>avg@k: mean correctness over all samples of all questions (the paper's metric);
 *   <li>pass@k: the unbiased estimator of Chen et al. (2021), 1 − C(n−c, k) / C(n, k) for a
 *       question with c correct among n samples, averaged over questions;
 *   <li>maj@k: a question counts as solved when its most frequent extracted answer is correct (ties
 *       broken by the answer text, so the figure is deterministic; no answer never wins).
 * </ul>
 */
public final class SampleMetrics {
  private SampleMetrics() {}

  /** One sample's outcome: its extracted answer (null when none) and whether it was correct. */
  public record Outcome(String answer, boolean correct) {}

  /** Mean correctness over every sample of every question. */
  public static double avgAtK(List<List<Outcome>> questions) {
    long samples = 0;
    long correct = 0;
    for (List<Outcome> question : questions) {
      samples += question.size();
      correct += question.stream().filter(Outcome::correct).count();
    }
    return samples == 0 ? Double.NaN : (double) correct / samples;
  }

  /** Unbiased pass@k of one question with {@code c} correct among {@code n} samples. */
  public static double passAtK(int n, int c, int k) {
    if (k > n) {
      throw new IllegalArgumentException(
          "pass@" + k + " needs at least " + k + " samples, got " + n);
    }
    if (n - c < k) {
      return 1.0;
    }
    // C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i), numerically stable.
    double allWrong = 1.0;
    for (int i = n - c + 1; i <= n; i++) {
      allWrong *= 1.0 - (double) k / i;
    }
    return 1.0 - allWrong;
  }

  /** Mean unbiased pass@k over questions. */
  public static double passAtK(List<List<Outcome>> questions, int k) {
    return questions.stream()
        .mapToDouble(q -> passAtK(q.size(), (int) q.stream().filter(Outcome::correct).count(), k))
        .average()
        .orElse(Double.NaN);
  }

  /** Share of questions whose majority answer is correct. */
  public static double majAtK(List<List<Outcome>> questions) {
    return questions.stream()
        .mapToDouble(q -> majorityCorrect(q) ? 1 : 0)
        .average()
        .orElse(Double.NaN);
  }

  static boolean majorityCorrect(List<Outcome> samples) {
    Map<String, Integer> votes = new HashMap<>();
    Map<String, Boolean> correct = new HashMap<>();
    for (Outcome sample : samples) {
      if (sample.answer() != null) {
        votes.merge(sample.answer(), 1, Integer::sum);
        correct.merge(sample.answer(), sample.correct(), Boolean::logicalOr);
      }
    }
    return votes.entrySet().stream()
        .max(
            Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
        .map(winner -> correct.get(winner.getKey()))
        .orElse(false);
  }
}
