package org.orzspark.plan;

/**
 * One model's training memory on one GPU, in bytes.
 *
 * @param weights the working copy of the weights
 * @param gradients the gradient buffer, accumulated over all micro-batches of an optimizer step
 *     before it is reduced (so not sharded)
 * @param optimizer this GPU's shard of the optimizer state
 * @param activations what one micro-batch's forward keeps for its backward pass
 */
public record ModelMemory(long weights, long gradients, long optimizer, long activations) {

  /**
   * The memory of a model of {@code parameters} parameters: weights and gradients at {@link
   * Precision#valueBytes} each, the optimizer state ({@link Precision#optimizerBytesPerParameter})
   * divided among {@code optimizerShards} replicas, rounded up.
   */
  public static ModelMemory of(
      long parameters, Precision precision, int optimizerShards, long activations) {
    if (optimizerShards < 1) {
      throw new IllegalArgumentException(
          "optimizer shards must be at least 1, got " + optimizerShards);
    }
    long state = parameters * precision.optimizerBytesPerParameter();
    return new ModelMemory(
        parameters * precision.valueBytes(),
        parameters * precision.valueBytes(),
        (state + optimizerShards - 1) / optimizerShards,
        activations);
  }

  /** What stays resident through the whole update: weights, gradients and the optimizer shard. */
  public long states() {
    return weights + gradients + optimizer;
  }
}
