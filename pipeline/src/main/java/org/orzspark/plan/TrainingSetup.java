package org.orzspark.plan;

/**
 * How the update stage trains, as far as memory and compute are concerned.
 *
 * @param precision bytes per value and per optimizer parameter
 * @param activationCheckpointing per-layer recomputation in the backward pass
 * @param optimizerShards replicas the optimizer state is divided among (1 = unsharded)
 * @param microBatchTokens tokens per forward/backward micro-batch ({@code ppo.micro_batch_tokens})
 */
public record TrainingSetup(
    Precision precision,
    boolean activationCheckpointing,
    int optimizerShards,
    int microBatchTokens) {
  public TrainingSetup {
    if (optimizerShards < 1 || microBatchTokens < 1) {
      throw new IllegalArgumentException(
          "optimizer shards and micro-batch tokens must be at least 1");
    }
  }
}
