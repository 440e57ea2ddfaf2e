package org.orzspark.datasets.curate;

import java.io.Serializable;

/**
 * Which prompts a pass-rate filter keeps: those a model solves sometimes but not too often, {@code
 * min < pass_rate <= max} with {@code pass_rate = correct / samples}. A pass rate of 0 gives RL no
 * signal (and often means a wrong reference answer); a high one teaches little (the paper removes
 * both). Optionally, the hard part of the kept prompts: fewer than {@code hardBelow} of the samples
 * correct (the paper's "fewer than 4 of 64").
 *
 * <p>Pass rates are compared as doubles: {@code correct / samples} and a decimal bound equal as
 * rationals round to the same double, and distinct ones lie far more than an ulp apart for any
 * sample count, so the comparison is exact.
 *
 * @param min pass rates at or below it are removed ({@link #AT_OR_BELOW_MIN})
 * @param max pass rates above it are removed ({@link #ABOVE_MAX})
 * @param hardBelow a kept prompt with fewer correct samples than this is hard; 0: no hard subset
 */
public record PassRateBand(double min, double max, int hardBelow) implements Serializable {

  /** Reason of a prompt removed for {@code pass_rate <= min}. */
  public static final String AT_OR_BELOW_MIN = "pass_rate<=min";

  /** Reason of a prompt removed for {@code pass_rate > max}. */
  public static final String ABOVE_MAX = "pass_rate>max";

  public PassRateBand {
    if (!(0 <= min && min < max && max <= 1)) {
      throw new IllegalArgumentException(
          "pass-rate bounds must satisfy 0 <= min < max <= 1, got min " + min + ", max " + max);
    }
    if (hardBelow < 0) {
      throw new IllegalArgumentException(
          "hard-below must be at least 1 correct sample (0: none), got " + hardBelow);
    }
  }

  /** {@code correct / samples}. */
  public static double passRate(int correct, int samples) {
    if (samples <= 0 || correct < 0 || correct > samples) {
      throw new IllegalArgumentException(correct + " correct of " + samples + " samples");
    }
    return (double) correct / samples;
  }

  /** Why a prompt with {@code correct} of {@code samples} is removed, or null when it is kept. */
  public String reason(int correct, int samples) {
    double rate = passRate(correct, samples);
    if (rate <= min) {
      return AT_OR_BELOW_MIN;
    }
    return rate > max ? ABOVE_MAX : null;
  }

  /** Whether a hard subset is asked for. */
  public boolean hasHardSubset() {
    return hardBelow > 0;
  }

  /** Whether a prompt is in the hard subset: kept, and fewer than {@link #hardBelow} correct. */
  public boolean hard(int correct, int samples) {
    return hasHardSubset() && reason(correct, samples) == null && correct < hardBelow;
  }
}
