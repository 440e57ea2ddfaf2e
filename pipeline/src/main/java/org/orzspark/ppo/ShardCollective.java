package org.orzspark.ppo;

import java.nio.FloatBuffer;

/**
 * The collective of a sharded optimizer step: besides the all-reduce ({@link #sum}), a
 * reduce-scatter that leaves each rank the sums of its own segment of a bucket, and an all-gather
 * that copies every rank's segment to all. A bucket of {@code L} values is cut into {@link
 * #worldSize} segments, segment {@code c} being {@code [floor(L*c/K), floor(L*(c+1)/K))} and owned
 * by rank {@code c}; the owner's sums must be bit-identical to what {@link #sum} gives for the same
 * values (the same summation order per segment), so a sharded update equals a replicated one.
 */
public interface ShardCollective extends GradientAllReduce {
  int rank();

  /** After the call, segment {@link #rank} of {@code bucket} holds the sums over all ranks. */
  void reduceScatter(FloatBuffer bucket);

  /** After the call, every segment of {@code bucket} holds its owner's values. */
  void allGather(FloatBuffer bucket);

  /** First index of segment {@code c} of a bucket of {@code length} values over {@code ranks}. */
  static int segmentStart(int length, int ranks, int c) {
    return (int) ((long) length * c / ranks);
  }
}
