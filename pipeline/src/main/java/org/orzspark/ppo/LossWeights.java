package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import org.orzspark.autograd.Scalars;

/**
 * Per-token weights of one (micro-)batch, see {@link LossReduction}.
 *
 * @param mask {@code [B, T]} boolean, true on response tokens
 * @param perToken {@code [B, T]} fp32 weights (0 at masked positions)
 * @param units this batch's own count: samples ({@code SEQUENCE_MEAN}) or tokens ({@code
 *     TOKEN_MEAN})
 * @param normaliser the divisor: {@code units} for a plain mean, the whole batch's count when this
 *     batch is one piece of it
 */
public record LossWeights(NDArray mask, NDArray perToken, long units, double normaliser) {

  public LossWeights {
    if (!(normaliser > 0) || Double.isInfinite(normaliser)) {
      throw new IllegalArgumentException(
          "Invalid loss normaliser: "
              + normaliser
              + " (a batch needs at least one response token)");
    }
  }

  /**
   * {@code sum(l * w) / normaliser} in fp32; {@code tokenLoss} may hold anything at masked
   * positions.
   */
  NDArray reduce(NDArray tokenLoss) {
    NDArray safe = NDArrays.where(mask, tokenLoss, tokenLoss.zerosLike());
    return Scalars.dividedBy(safe.mul(perToken).sum(), normaliser);
  }

  /** Sum over response tokens of a detached per-token diagnostic, in double. */
  double tokenSum(NDArray tokenValue) {
    NDArray safe = NDArrays.where(mask, tokenValue, tokenValue.zerosLike());
    return safe.toType(DataType.FLOAT64, false).sum().getDouble();
  }

  /** Number of response tokens in this batch. */
  long responseTokens() {
    return mask.sum().toType(DataType.INT64, false).getLong();
  }
}
