package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

class KvCacheTest extends FreshManagerTest {
  @Test
  void slotsWalkTheBlocksInOrder() {
    // blocks 3 then 0 of 2 tokens: columns 0, 1 in block 3 (slots 6, 7), column 2 in block 0
    assertThat(KvCache.slots(new int[] {3, 0}, 3, 2)).containsExactly(6, 7, 0);
    assertThat(KvCache.blocksFor(0, 16)).isZero();
    assertThat(KvCache.blocksFor(16, 16)).isEqualTo(1);
    assertThat(KvCache.blocksFor(17, 16)).isEqualTo(2);
    assertThatThrownBy(() -> KvCache.slots(new int[] {1}, 3, 2)).hasMessageContaining("3 tokens");
  }

  @Test
  void bytesPerTokenCountKeysAndValuesOfEveryLayer() {
    Qwen2Config config = TestModels.untied();
    long expected =
        2L * config.numHiddenLayers() * config.numKeyValueHeads() * config.headDim() * 4;
    assertThat(KvCache.bytesPerToken(config, DataType.FLOAT32)).isEqualTo(expected);
    assertThat(KvCache.bytesPerToken(config, DataType.BFLOAT16)).isEqualTo(expected / 2);
  }

  @Test
  void blocksInUseFollowTakesAndReleasesLowestFirst() {
    Qwen2Config config = TestModels.untied();
    long block = 4 * KvCache.bytesPerToken(config, DataType.FLOAT32);
    try (KvCache cache = KvCache.create(manager, config, DataType.FLOAT32, 4, 5 * block + 7)) {
      assertThat(cache.blockCount()).isEqualTo(5);
      assertThat(cache.allocatedBytes()).isZero();
      assertThat(cache.take(2)).containsExactly(0, 1);
      assertThat(cache.take(1)).containsExactly(2);
      assertThat(cache.allocatedBytes()).isEqualTo(4 * block);
      cache.release(new int[] {0});
      assertThat(cache.blocksInUse()).isEqualTo(2);
      assertThat(cache.freeBlocks()).isEqualTo(3);
      assertThat(cache.take(2)).containsExactly(0, 3);
      assertThat(cache.peakBlocksInUse()).isEqualTo(4);
      // the arrays doubled to 4 blocks when block 2 was taken: block 3 needed no growth
      assertThat(cache.allocatedBytes()).isEqualTo(4 * block);
      assertThatThrownBy(() -> cache.take(2)).hasMessageContaining("2 blocks wanted, 1 free");
      assertThatThrownBy(() -> cache.release(new int[] {4})).hasMessageContaining("block 4");
      cache.release(new int[] {0, 1, 2, 3});
      assertThat(cache.blocksInUse()).isZero();
      assertThat(cache.peakBlocksInUse()).isEqualTo(4);
    }
  }

  @Test
  void aBudgetBelowOneBlockIsRefused() {
    Qwen2Config config = TestModels.untied();
    assertThatThrownBy(() -> KvCache.create(manager, config, DataType.FLOAT32, 16, 100))
        .hasMessageContaining("holds no block of 16 tokens");
  }
}
