package org.orzspark.ppo;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of a model's flat gradient vector (the trainable values in {@code ParameterList} order,
 * followed by {@code extras} scalars such as the loss) that one of {@code ranks} replicas owns in a
 * sharded update. The vector is cut into the all-reduce's buckets of {@code bucket} values ({@link
 * Gradients#allReduce}); each bucket into {@code ranks} segments ({@link
 * ShardCollective#segmentStart}); rank r owns segment r of every bucket. Its shard is the owned
 * gradient values in flat order, about {@code 1/ranks} of the model; owned extras are not part of
 * the shard (they are reduced for everyone).
 *
 * @param gradients trainable values of the model
 * @param extras scalars reduced after the gradients, in the same buckets
 * @param bucket values per bucket
 * @param ranks replicas
 * @param rank this replica
 */
public record ShardLayout(long gradients, int extras, int bucket, int ranks, int rank) {
  public ShardLayout {
    if (ranks < 1 || rank < 0 || rank >= ranks || bucket < 1 || gradients < 0 || extras < 0) {
      throw new IllegalArgumentException(
          "Invalid shard layout: rank " + rank + " of " + ranks + ", bucket " + bucket);
    }
  }

  /** The layout of the all-reduce's buckets ({@link Gradients#bucketFloats}) for this model. */
  public static ShardLayout of(long gradients, int extras, int ranks, int rank) {
    return new ShardLayout(
        gradients,
        extras,
        (int) Math.min(Gradients.bucketFloats, Math.max(gradients + extras, 1)),
        ranks,
        rank);
  }

  /** One stretch {@code [from, to)} of the flat vector, at {@code offset} in the shard. */
  public record Range(long from, long to, long offset) {
    public long length() {
      return to - from;
    }
  }

  public long total() {
    return gradients + extras;
  }

  public int buckets() {
    return (int) ((total() + bucket - 1) / bucket);
  }

  public long bucketStart(int b) {
    return (long) b * bucket;
  }

  public int bucketLength(int b) {
    return (int) Math.min(bucket, total() - bucketStart(b));
  }

  /** Flat index where segment {@code c} of bucket {@code b} starts. */
  public long segmentStart(int b, int c) {
    return bucketStart(b) + ShardCollective.segmentStart(bucketLength(b), ranks, c);
  }

  /** The gradient values of segment {@code c} of bucket {@code b}: {@code [from, to)}. */
  public long[] gradientSegment(int b, int c) {
    long from = Math.min(gradients, segmentStart(b, c));
    long to = Math.min(gradients, segmentStart(b, c + 1));
    return new long[] {from, to};
  }

  /** This rank's gradient stretches, in flat order, each with its offset in the shard. */
  public List<Range> owned() {
    List<Range> ranges = new ArrayList<>();
    long offset = 0;
    for (int b = 0; b < buckets(); b++) {
      long[] segment = gradientSegment(b, rank);
      if (segment[1] > segment[0]) {
        ranges.add(new Range(segment[0], segment[1], offset));
        offset += segment[1] - segment[0];
      }
    }
    return ranges;
  }

  /** Gradient values this rank owns. */
  public long shardSize() {
    return owned().stream().mapToLong(Range::length).sum();
  }
}
