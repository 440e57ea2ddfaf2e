package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The loss of one micro-batch, computed by the caller's model (this package knows none).
 *
 * @param <B> the caller's micro-batch type
 */
@FunctionalInterface
public interface MicroBatchLoss<B> {
  /**
   * Returns a differentiable scalar: the micro-batch's part of the whole batch's loss, i.e. its
   * losses weighted with the WHOLE batch's normaliser ({@link LossReduction#weights(NDArray,
   * NDArray, double)}), so that the parts sum to the batch loss and their gradients to its
   * gradient.
   *
   * @param scope a manager for the micro-batch's arrays; it closes right after the backward pass
   */
  NDArray loss(B microBatch, NDManager scope);
}
