package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Locale;

/**
 * How token losses become one number (veRL's {@code agg_loss}), written as a weighted sum so that
 * micro-batches and data-parallel shards add up exactly:
 *
 * <pre>
 *   loss = sum_{b,t} l[b,t] * w[b,t] / normaliser
 * </pre>
 *
 * <ul>
 *   <li>{@link #SEQUENCE_MEAN} (ORZ default): {@code w = 1/n_s} on the response tokens of sample s
 *       ({@code n_s} of them), normaliser = number of samples: token mean per sample, then mean
 *       over samples. A packed sample counts as its own sequence, so packing equals padding.
 *   <li>{@link #TOKEN_MEAN}: {@code w = mask}, normaliser = number of response tokens.
 * </ul>
 *
 * <p>When the losses of a larger batch are split (micro-batches, replicas, shards), every piece
 * must use the normaliser of the WHOLE batch; then the pieces' losses and gradients simply sum.
 */
public enum LossReduction {
  SEQUENCE_MEAN,
  TOKEN_MEAN;

  /**
   * Weights for a {@code [B, T]} batch whose normaliser is its own count (a plain mean).
   *
   * @param responseMask {@code [B, T]}, non-zero on response tokens
   * @param segmentIds {@code [B, T]} integer sample ids inside packed rows, or null (one per row)
   */
  public LossWeights weights(NDArray responseMask, NDArray segmentIds) {
    return weights(responseMask, segmentIds, 0);
  }

  /**
   * Weights for a {@code [B, T]} batch that is one piece of a larger batch whose count (samples or
   * tokens, see above) is {@code globalUnits}; {@code globalUnits <= 0} means this batch's own
   * count.
   */
  public LossWeights weights(NDArray responseMask, NDArray segmentIds, double globalUnits) {
    NDArray maskBool = TokenLayout.maskBool(responseMask);
    NDArray perToken;
    long units;
    if (this == TOKEN_MEAN) {
      perToken = maskBool.toType(DataType.FLOAT32, false);
      units = maskBool.sum().toType(DataType.INT64, false).getLong();
    } else {
      TokenLayout.SampleWeights sw = TokenLayout.sampleWeights(maskBool, segmentIds);
      perToken = sw.perToken();
      units = sw.samples();
    }
    return new LossWeights(maskBool, perToken, units, globalUnits > 0 ? globalUnits : units);
  }

  /** Parses a config value (case-insensitive), listing the valid names when it fails. */
  public static LossReduction parse(String name) {
    for (LossReduction r : values()) {
      if (r.name().equalsIgnoreCase(name.trim().replace('-', '_'))) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "Invalid loss reduction: %s (valid: %s)",
            name,
            Arrays.toString(values())));
  }
}
