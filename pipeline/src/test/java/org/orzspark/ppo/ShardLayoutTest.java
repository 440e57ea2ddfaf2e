package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class ShardLayoutTest {

  /**
   * 10 gradients + 1 extra = 11 values in buckets of 4: [0,4) [4,8) [8,11). Over 3 ranks a bucket
   * of 4 cuts at floor(4c/3) = 0,1,2,4 and the last one of 3 at 0,1,2,3; rank 2 owns [2,4) of
   * buckets 0 and 1 and [10,11) of bucket 2, which is the extra: not part of its shard.
   */
  @Test
  void ranksOwnTheirSegmentOfEveryBucketByHand() {
    ShardLayout rank2 = new ShardLayout(10, 1, 4, 3, 2);
    assertThat(rank2.buckets()).isEqualTo(3);
    assertThat(rank2.bucketLength(2)).isEqualTo(3);
    assertThat(rank2.owned())
        .containsExactly(new ShardLayout.Range(2, 4, 0), new ShardLayout.Range(6, 8, 2));
    assertThat(rank2.shardSize()).isEqualTo(4);
    ShardLayout rank0 = new ShardLayout(10, 1, 4, 3, 0);
    assertThat(rank0.owned())
        .containsExactly(
            new ShardLayout.Range(0, 1, 0),
            new ShardLayout.Range(4, 5, 1),
            new ShardLayout.Range(8, 9, 2));
    ShardLayout rank1 = new ShardLayout(10, 1, 4, 3, 1);
    assertThat(rank0.shardSize() + rank1.shardSize() + rank2.shardSize()).isEqualTo(10);
  }

  @Test
  void oneRankOwnsEverything() {
    ShardLayout all = ShardLayout.of(1000, 1, 1, 0);
    assertThat(all.owned()).containsExactly(new ShardLayout.Range(0, 1000, 0));
  }

  /** Norms 3 and 4 (of [3] and [0, 4]) combine to 5; a segment norm sums squares in double. */
  @Test
  void segmentNormsCombineToTheGlobalNorm() {
    assertThat(Gradients.segmentNorm(FloatBuffer.wrap(new float[] {3}))).isEqualTo(3f);
    assertThat(Gradients.segmentNorm(FloatBuffer.wrap(new float[] {0, 4}))).isEqualTo(4f);
    assertThat(Gradients.segmentNorm(FloatBuffer.wrap(new float[0]))).isZero();
    assertThat(Gradients.combineNorms(new float[] {3, 0, 4})).isEqualTo(5.0);
    // 1e20^2 overflows float, not the double sum: the norm stays finite.
    assertThat(Gradients.segmentNorm(FloatBuffer.wrap(new float[] {1e20f, 1e20f})))
        .isEqualTo((float) (Math.sqrt(2) * 1e20));
  }
}
