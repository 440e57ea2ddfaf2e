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
  void restCutsTheSharedPrefixFromEverySequence() {
    int[] prefix = new int[TokenBatch.MIN_SHARED_PREFIX];
    java.util.Arrays.fill(prefix, 7);
    int p = prefix.length;
    int[] a = concat(prefix, new int[] {1, 2});
    int[] b = concat(prefix, new int[] {3});
    int[] c = concat(prefix, new int[] {4, 5, 6});
    int length = 3 * p + 6;
    TokenBatch batch = TokenBatch.packed(new int[][][] {{a, b}, {c}}, length);
    assertThat(batch.sharedPrefixLength()).isEqualTo(p);
    TokenBatch.Rest rest = batch.rest();
    // row 0: a's rest (2 tokens) then b's (1); row 1: c's rest (3)
    assertThat(rest.length()).isEqualTo(3);
    assertThat(rest.tokens()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(rest.segments()).containsExactly(1, 1, 2, 1, 1, 1);
    assertThat(rest.positions()).containsExactly(p, p + 1, p, p, p + 1, p + 2);
    int[] gather = rest.gatherIndex();
    // a: its prefix positions read 1..p, its rest the flat rest entries 0 and 1 (after 1 + p)
    assertThat(gather[0]).isEqualTo(1);
    assertThat(gather[p - 1]).isEqualTo(p);
    assertThat(gather[p]).isEqualTo(1 + p);
    assertThat(gather[p + 1]).isEqualTo(2 + p);
    // b starts after a: prefix again, then rest entry 2
    assertThat(gather[p + 2]).isEqualTo(1);
    assertThat(gather[2 * p + 2]).isEqualTo(3 + p);
    // row 0's padding reads the leading 0; row 1's c reads rest entries 3..5
    assertThat(gather[2 * p + 3]).isZero();
    assertThat(gather[length + p + 2]).isEqualTo(6 + p);
    assertThat(gather[length + p + 3]).isZero();
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
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
