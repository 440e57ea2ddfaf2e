package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.orzspark.autograd.Recomputation;
import org.orzspark.autograd.Scalars;

/**
 * Runs the backward pass of every micro-batch of a batch into the parameters' gradients, which then
 * hold the gradient of the whole batch's loss (each micro-batch's loss carries its share).
 *
 * <p>A forward that recomputes parts of itself in the backward pass (see {@link Recomputation})
 * completes its gradients after the autograd backward of each micro-batch.
 *
 * <p>DJL allows one open {@link GradientCollector} per JVM (a second one throws), and two Spark
 * tasks may share an executor JVM: accumulations are serialised on a JVM-wide lock.
 */
public final class GradientAccumulator {
  private static final ReentrantLock COLLECTOR = new ReentrantLock(true);

  private GradientAccumulator() {}

  /**
   * Zeroes the gradients of {@code params}, then adds the gradient of each micro-batch's loss. An
   * empty list leaves zero gradients (a replica owning no rows of a mini-batch).
   *
   * @return the sum of the micro-batches' loss values (the batch loss when each carries its share)
   */
  public static <B> double accumulate(
      ParameterList params, List<B> microBatches, MicroBatchLoss<B> loss) {
    NDManager root = Gradients.trainable(params).get(0).getValue().getManager();
    COLLECTOR.lock();
    try (GradientCollector collector = root.getEngine().newGradientCollector()) {
      Gradients.zero(params);
      materialise(params, collector, root);
      double total = 0;
      for (B microBatch : microBatches) {
        try (NDManager scope = root.newSubManager()) {
          Recomputation.discard();
          NDArray value = loss.loss(microBatch, scope);
          if (value.getShape().dimension() != 0 && value.size() != 1) {
            throw new IllegalArgumentException(
                "A micro-batch loss must be a scalar, got shape " + value.getShape());
          }
          collector.backward(value);
          Recomputation.backward();
          total += value.getFloat();
        }
      }
      return total;
    } finally {
      COLLECTOR.unlock();
    }
  }

  /**
   * Gives every trainable parameter a (zero) gradient tensor of its own. PyTorch creates a
   * parameter's gradient on its first backward pass; before that DJL hands out a detached zero
   * array, and an all-reduce written into it would be lost (a replica that owns no rows of its
   * first mini-batch would then step without the other replicas' gradients).
   */
  private static void materialise(
      ParameterList params, GradientCollector collector, NDManager root) {
    try (NDManager scope = root.newSubManager()) {
      NDArray zero = null;
      for (Pair<String, NDArray> p : Gradients.trainable(params)) {
        // Temporarily owned by the scope, so the sums below die with it.
        scope.tempAttachAll(p.getValue());
        NDArray term = Scalars.times(p.getValue().sum(), 0);
        zero = zero == null ? term : zero.add(term);
      }
      collector.backward(zero);
    }
  }
}
