package org.orzspark.ppo;

import ai.djl.nn.ParameterList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * ORZ's update schedules over the caller's micro-batches, model-agnostic:
 *
 * <ul>
 *   <li>policy: the gradient of ALL of the iteration's experience, then exactly ONE optimizer step
 *       (strict on-policy);
 *   <li>critic: the experience shuffled (seeded) into 12 mini-batches, one step each.
 * </ul>
 *
 * <p>Data parallelism: K replicas each accumulate the gradient of their own rows, with every loss
 * weighted by the normaliser of the WHOLE (mini-)batch, so the plain element-wise SUM of the
 * replicas' gradients is the single-replica gradient, whatever the shard sizes. The loss value
 * travels in the same reduction, so every replica takes the same decision on a non-finite one.
 */
public final class UpdateSchedule {
  private UpdateSchedule() {}

  /**
   * One optimizer step over one (mini-)batch.
   *
   * @param microBatches this replica's micro-batches of the batch (possibly none)
   * @param allReduce the sum over replicas; {@link GradientAllReduce#LOCAL} for one replica
   * @return the step taken or refused, and the batch loss summed over replicas
   */
  public static <B> Report step(
      ParameterList params,
      AdamW optimizer,
      List<B> microBatches,
      MicroBatchLoss<B> loss,
      GradientAllReduce allReduce) {
    return step(params, new ReplicaOptimizer.Replicated(optimizer, allReduce), microBatches, loss);
  }

  /**
   * One optimizer step over one (mini-)batch, with gradients summed over replicas by the optimizer
   * (replicated or sharded).
   *
   * @param microBatches this replica's micro-batches of the batch (possibly none)
   * @return the step taken or refused, and the batch loss summed over replicas
   */
  public static <B> Report step(
      ParameterList params,
      ReplicaOptimizer optimizer,
      List<B> microBatches,
      MicroBatchLoss<B> loss) {
    double batchLoss = GradientAccumulator.accumulate(params, microBatches, loss);
    float[] summedLoss = {(float) batchLoss};
    double norm = optimizer.reduce(params, summedLoss);
    // One replica summed nothing: its loss stays in double, as before the flattening existed.
    boolean local =
        optimizer instanceof ReplicaOptimizer.Replicated r
            && r.allReduce() == GradientAllReduce.LOCAL;
    if (!local) {
      batchLoss = summedLoss[0];
    }
    if (!Double.isFinite(batchLoss)) {
      long taken = optimizer.stepCount();
      return new Report(
          new AdamW.Step(
              false,
              "non-finite loss " + batchLoss,
              taken,
              optimizer.config().schedule().learningRate(taken + 1),
              Double.NaN),
          batchLoss);
    }
    return new Report(optimizer.step(params, norm), batchLoss);
  }

  /** The policy's schedule: one step over all of the iteration's micro-batches. */
  public static <B> Report policy(
      ParameterList params,
      AdamW optimizer,
      List<B> allMicroBatches,
      MicroBatchLoss<B> loss,
      GradientAllReduce allReduce) {
    return step(params, optimizer, allMicroBatches, loss, allReduce);
  }

  /**
   * The critic's schedule: one step per mini-batch, in order.
   *
   * @param miniBatches row plans, e.g. {@link MiniBatches#shuffled} with 12 mini-batches
   * @param microBatchesOf this replica's micro-batches of a mini-batch's rows, with losses weighted
   *     by that mini-batch's whole normaliser
   */
  public static <B> List<Report> critic(
      ParameterList params,
      AdamW optimizer,
      List<int[]> miniBatches,
      Function<int[], List<B>> microBatchesOf,
      MicroBatchLoss<B> loss,
      GradientAllReduce allReduce) {
    List<Report> reports = new ArrayList<>(miniBatches.size());
    for (int[] rows : miniBatches) {
      reports.add(step(params, optimizer, microBatchesOf.apply(rows), loss, allReduce));
    }
    return reports;
  }

  /**
   * @param step what the optimizer did
   * @param loss the (mini-)batch loss over all replicas
   */
  public record Report(AdamW.Step step, double loss) {}
}
