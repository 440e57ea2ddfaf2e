package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;

/**
 * Batch-level advantage normalisation (ORZ): {@code (A - mean) / sqrt(max(var, 1e-8))} with mean
 * and variance over ALL response tokens of the iteration ({@link AdvantageStats}, merged across
 * partitions first). The variance floor keeps an all-equal batch (e.g. every reward equal) at 0
 * instead of dividing by zero.
 */
public final class AdvantageNormalization {
  public static final double VARIANCE_FLOOR = 1e-8;

  private AdvantageNormalization() {}

  /**
   * @param advantages {@code [B, T]}
   * @param responseMask {@code [B, T]} non-zero on response tokens; output is 0 elsewhere
   * @param stats statistics of the whole iteration
   * @return {@code [B, T]} fp32 normalised advantages
   */
  public static NDArray apply(NDArray advantages, NDArray responseMask, AdvantageStats stats) {
    TokenLayout.checkShape("responseMask", responseMask, advantages.getShape());
    float[] values = TokenLayout.floats(advantages);
    boolean[] mask = TokenLayout.booleans(responseMask);
    applyInPlace(values, stats);
    for (int i = 0; i < values.length; i++) {
      values[i] = mask[i] ? values[i] : 0f;
    }
    return advantages.getManager().create(values, advantages.getShape());
  }

  /** Normalises one row's response-token advantages in place (for row-wise Spark code). */
  public static void applyInPlace(float[] advantages, AdvantageStats stats) {
    if (stats.count() == 0) {
      throw new IllegalArgumentException("Invalid advantage statistics: no response tokens");
    }
    double scale = 1.0 / Math.sqrt(Math.max(stats.variance(), VARIANCE_FLOOR));
    for (int i = 0; i < advantages.length; i++) {
      advantages[i] = (float) ((advantages[i] - stats.mean()) * scale);
    }
  }
}
