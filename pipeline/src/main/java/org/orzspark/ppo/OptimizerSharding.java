package org.orzspark.ppo;

/** How the update's replicas hold the optimizer ({@code update.sharding}). */
public enum OptimizerSharding {
  /** Every replica holds the whole optimizer state and updates every parameter. */
  NONE,
  /**
   * Each of K replicas holds and updates 1/K of the optimizer state ({@link ShardedAdamW}):
   * gradients reduce-scattered, updated parameters all-gathered; bit-identical to {@link #NONE}.
   */
  OPTIMIZER
}
