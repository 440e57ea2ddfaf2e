package org.orzspark.ppo;

import java.nio.FloatBuffer;

/**
 * Sums one bucket of the flat gradient vector (gradients plus trailing scalars, see {@link
 * Gradients#allReduce}) element-wise over all data-parallel replicas; every replica must receive
 * the same sums. Buckets are bounded, so a vector of any length travels in pieces; every replica
 * cuts the same buckets. The transport (TCP between barrier tasks, Spark's allGather, ...) is the
 * caller's.
 */
@FunctionalInterface
public interface GradientAllReduce {
  /** One replica: the sum is the local vector itself, and no flattening happens at all. */
  GradientAllReduce LOCAL = local -> local;

  /**
   * @param local this replica's values of the bucket, position to limit
   * @return the sums, as many values from its position (may be {@code local}, summed in place)
   */
  FloatBuffer sum(FloatBuffer local);

  /**
   * Replicas taking part; the global gradient norm is computed per segment of each bucket (see
   * {@link Gradients#allReduce}), so that a sharded optimizer's owners compute the same norm.
   */
  default int worldSize() {
    return 1;
  }
}
