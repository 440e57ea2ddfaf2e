package org.orzspark.ppo;

import ai.djl.nn.ParameterList;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One data-parallel replica's optimizer: sums the replicas' gradients as far as it needs them, then
 * takes the step every replica takes, so all replicas end with identical parameters. {@link
 * Replicated}: every replica sums all gradients and updates every parameter; {@link ShardedAdamW}:
 * each replica sums and updates only its shard, then the updated parameters are gathered.
 */
public interface ReplicaOptimizer extends AutoCloseable {
  /**
   * Sums the accumulated gradients over the replicas (all of them, or this replica's shard) and
   * {@code extras} (fully, in place, e.g. the loss).
   *
   * @return the global norm of the summed gradients, identical on every replica
   */
  double reduce(ParameterList params, float[] extras);

  /** Applies one step from the reduced gradients, whose global norm is {@code norm}. */
  AdamW.Step step(ParameterList params, double norm);

  /** Optimizer steps taken so far. */
  long stepCount();

  AdamW.Config config();

  /** Bytes of optimizer state (moments) this replica holds. */
  long stateBytes(ParameterList params);

  /** Writes the state this replica holds (all of it, or its shard). */
  void save(OutputStream out) throws IOException;

  /** Frees the optimizer's state. */
  @Override
  void close();

  /**
   * Every replica updates all parameters with its own {@link AdamW} after an all-reduce; with one
   * replica ({@link GradientAllReduce#LOCAL}) nothing is flattened and the norm is the engine's.
   */
  record Replicated(AdamW adam, GradientAllReduce allReduce) implements ReplicaOptimizer {
    @Override
    public double reduce(ParameterList params, float[] extras) {
      return allReduce == GradientAllReduce.LOCAL
          ? Gradients.globalNorm(params)
          : Gradients.allReduce(params, extras, allReduce);
    }

    @Override
    public AdamW.Step step(ParameterList params, double norm) {
      return adam.step(params, norm);
    }

    @Override
    public long stepCount() {
      return adam.stepCount();
    }

    @Override
    public AdamW.Config config() {
      return adam.config();
    }

    @Override
    public long stateBytes(ParameterList params) {
      return 2L * Float.BYTES * Gradients.size(params);
    }

    @Override
    public void save(OutputStream out) throws IOException {
      adam.save(out);
    }

    @Override
    public void close() {
      adam.close();
    }
  }
}
