package org.orzspark.ppo;

/**
 * Sums a flat vector (gradients plus trailing scalars, see {@link Gradients#flatten}) element-wise
 * over all data-parallel replicas; every replica must receive the same sum. The transport (TCP
 * between barrier tasks, Spark's allGather, ...) is the caller's.
 */
@FunctionalInterface
public interface GradientAllReduce {
  /** One replica: the sum is the local vector itself, and no flattening happens at all. */
  GradientAllReduce LOCAL = local -> local;

  float[] sum(float[] local);
}
