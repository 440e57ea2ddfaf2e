package org.orzspark.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import org.orzspark.ppo.GradientAllReduce;
import org.orzspark.ppo.ShardCollective;
import org.orzspark.timing.Stopwatch;

/**
 * The optimizers' collective over the replicas' ring: the gradient all-reduce of a replicated
 * update, the reduce-scatter and all-gather of a sharded one, with its calls and time.
 */
public final class RingSum implements ShardCollective {
  private final RingAllReduce ring;
  private int calls;
  private long nanos;

  public RingSum(RingAllReduce ring) {
    this.ring = ring;
  }

  /**
   * What a replicated trainer uses: this sum, or with one replica none at all ({@link
   * GradientAllReduce#LOCAL}), so the gradients stay in the engine instead of a copy to the heap
   * and back at every step.
   */
  public GradientAllReduce orLocal() {
    return ring.worldSize() == 1 ? GradientAllReduce.LOCAL : this;
  }

  /** Ring calls so far (each all-reduce, reduce-scatter or all-gather of a bucket counts one). */
  public int calls() {
    return calls;
  }

  /** Nanoseconds the calls took. */
  public long nanos() {
    return nanos;
  }

  @Override
  public int rank() {
    return ring.rank();
  }

  @Override
  public int worldSize() {
    return ring.worldSize();
  }

  @Override
  public FloatBuffer sum(FloatBuffer local) {
    timed(() -> ring.sumInPlace(local));
    return local;
  }

  @Override
  public void reduceScatter(FloatBuffer bucket) {
    timed(() -> ring.reduceScatter(bucket));
  }

  @Override
  public void allGather(FloatBuffer bucket) {
    timed(() -> ring.allGather(bucket));
  }

  private void timed(Stopwatch.Work<IOException> call) {
    try {
      nanos += Stopwatch.nanosOf(call);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    calls++;
  }
}
