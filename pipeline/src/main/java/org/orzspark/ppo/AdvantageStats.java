package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import java.io.Serializable;

/**
 * Mean and variance of the advantages over response tokens, in a mergeable form: count, mean and M2
 * (sum of squared deviations from the mean), combined with Chan et al.'s parallel update, which
 * stays accurate where "sum and sum of squares" cancels catastrophically. Partitions of any size,
 * merged in any order, give the statistics of the whole iteration (up to double rounding), so a
 * Spark aggregate computes ORZ's batch-level normalisation.
 *
 * @param count response tokens seen
 * @param mean their mean
 * @param m2 sum over them of (x - mean)^2
 */
public record AdvantageStats(long count, double mean, double m2) implements Serializable {
  public static final AdvantageStats EMPTY = new AdvantageStats(0, 0, 0);

  /** Statistics of plain values (e.g. one experience row's response-token advantages). */
  public static AdvantageStats of(float[] values) {
    if (values.length == 0) {
      return EMPTY;
    }
    double sum = 0;
    for (float x : values) {
      sum += x;
    }
    double mean = sum / values.length;
    double m2 = 0;
    for (float x : values) {
      m2 += (x - mean) * (x - mean);
    }
    return new AdvantageStats(values.length, mean, m2);
  }

  /**
   * Statistics of {@code advantages} at response positions.
   *
   * @param advantages {@code [B, T]}
   * @param responseMask {@code [B, T]} non-zero on response tokens
   */
  public static AdvantageStats of(NDArray advantages, NDArray responseMask) {
    TokenLayout.checkShape("responseMask", responseMask, advantages.getShape());
    float[] all = TokenLayout.floats(advantages);
    boolean[] mask = TokenLayout.booleans(responseMask);
    int n = 0;
    for (boolean m : mask) {
      n += m ? 1 : 0;
    }
    float[] selected = new float[n];
    for (int i = 0, j = 0; i < all.length; i++) {
      if (mask[i]) {
        selected[j++] = all[i];
      }
    }
    return of(selected);
  }

  /** Chan's merge: the statistics of the union of both token sets. */
  public AdvantageStats merge(AdvantageStats other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    long n = count + other.count;
    double delta = other.mean - mean;
    double mergedMean = mean + delta * other.count / n;
    double mergedM2 = m2 + other.m2 + delta * delta * ((double) count * other.count / n);
    return new AdvantageStats(n, mergedMean, mergedM2);
  }

  /** Population variance (divides by count, as OpenRLHF's batch normalisation does). */
  public double variance() {
    return count == 0 ? 0 : m2 / count;
  }
}
