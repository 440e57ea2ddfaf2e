package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBatchTest {
  @Test
  void packedRowsRestartPositionsAtSegmentBoundaries() {
    TokenBatch batch = TokenBatch.packed(new int[][][] {{{5, 6, 7}, {8, 9}}, {{4}}}, 6);
    assertThat(batch.tokens()).containsExactly(5, 6, 7, 8, 9, 0, 4, 0, 0, 0, 0, 0);
    assertThat(batch.segments()).containsExactly(1, 1, 1, 2, 2, 0, 1, 0, 0, 0, 0, 0);
    assertThat(batch.positions()).containsExactly(0, 1, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0);
    assertThat(batch.predictedMask()).containsExactly(0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0);
    assertThat(batch.tokenMask()).containsExactly(1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0);
  }

  @Test
  void paddedRowsAreOneSegmentEach() {
    TokenBatch batch = TokenBatch.padded(new int[][] {{1, 2}, {3, 4, 5}});
    assertThat(batch.rows()).isEqualTo(2);
    assertThat(batch.length()).isEqualTo(3);
    assertThat(batch.segments()).containsExactly(1, 1, 0, 1, 1, 1);
    assertThat(batch.positions()).containsExactly(0, 1, 0, 0, 1, 2);
  }

  @Test
  void rejectsSplitSegmentsAndOverfullRows() {
    assertThatThrownBy(() -> TokenBatch.of(1, 4, new int[4], new int[] {1, 2, 1, 0}))
        .hasMessageContaining("segment 1 of row 0 is not contiguous");
    assertThatThrownBy(() -> TokenBatch.packed(new int[][][] {{{1, 2}, {3, 4}}}, 3))
        .hasMessageContaining("more than 3 tokens");
    assertThatThrownBy(() -> TokenBatch.of(1, 2, new int[3], new int[3]))
        .hasMessageContaining("rows*length");
  }
}
