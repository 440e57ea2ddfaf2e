package org.orzspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.model.TokenBatch;
import org.orzspark.train.MicroBatches.MicroBatch;

/** Micro-batch plans (padded and packed) and the [B, T] layout of their responses. */
class MicroBatchesTest {

  @Test
  void packedRowsAreFirstFitDecreasingIntoTheLongestSequence() {
    // capacity 5; by cost: k0 (5) row 0, k5 (5) row 1, k2 (4) row 2 [1 free], k1 (3) row 3
    // [2 free], k3 (2) row 3 [0 free], k4 (1) row 2 [0 free]
    List<int[]> rows = MicroBatches.packedRows(new int[] {5, 3, 4, 2, 1, 5});
    assertThat(rows)
        .containsExactly(new int[] {0}, new int[] {5}, new int[] {2, 4}, new int[] {1, 3});
  }

  @Test
  void packingSizesRowsByWhatEachSequenceAddsAfterTheSharedPrefix() {
    // a 16-token template, then prompt + response tails of 4, 1, 3 and 2 tokens
    List<ScoredResponse> responses = templated(4, 1, 3, 2);
    int[] all = {0, 1, 2, 3};
    // costs 4, 1, 3, 2, capacity 4: rows [0], [2, 1], [3]; a budget of 8 holds two rows
    List<MicroBatch> shared = MicroBatches.plan(responses, all, 8, true, true);
    assertThat(shared).hasSize(2);
    assertThat(shared.get(0).responses()).containsExactly(0, 2, 1);
    assertThat(shared.get(1).responses()).containsExactly(3);
    // without a shared prefix the full lengths 20, 17, 19, 18 fit one per row of 20
    List<MicroBatch> unshared = MicroBatches.plan(responses, all, 8, true, false);
    assertThat(unshared).hasSize(4);
    assertThat(unshared.stream().map(m -> m.responses()[0])).containsExactly(0, 2, 3, 1);
  }

  @Test
  void paddedPlansOrderByLengthWithinTheBudget() {
    List<ScoredResponse> responses = templated(4, 1, 3, 2);
    // lengths 20, 17, 19, 18 sorted: 17, 18 (2 × 18 = 36 ≤ 40), then 19, 20 (2 × 20 = 40)
    List<MicroBatch> plan = MicroBatches.plan(responses, new int[] {0, 1, 2, 3}, 40, false, true);
    assertThat(plan).hasSize(2);
    assertThat(plan.get(0).responses()).containsExactly(1, 3);
    assertThat(plan.get(1).responses()).containsExactly(2, 0);
    assertThat(plan.get(1).length()).isEqualTo(20);
  }

  @Test
  void aPackedRowRestartsPositionsAndPlacesEachResponsesValuesOnItsColumns() {
    List<ScoredResponse> responses =
        List.of(
            new ScoredResponse("a", 0, new int[] {1, 2, 3, 4}, 2, 1f),
            new ScoredResponse("b", 0, new int[] {5, 6, 7}, 1, 0f),
            new ScoredResponse("c", 0, new int[] {8, 9}, 1, 1f));
    MicroBatch micro =
        MicroBatch.of(responses, java.util.stream.Stream.of(new int[] {0, 1}, new int[] {2}));
    assertThat(micro.length()).isEqualTo(7);
    TokenBatch batch = micro.tokens(responses);
    assertThat(batch.tokens()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0);
    assertThat(batch.segments()).containsExactly(1, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0);
    assertThat(batch.positions()).containsExactly(0, 1, 2, 3, 0, 1, 2, 0, 1, 0, 0, 0, 0, 0);
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] mask = micro.responseMask(manager, responses).toFloatArray();
      assertThat(mask).containsExactly(0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0);
      float[][] values = {{10, 11}, {20, 21}, {30}};
      float[] placed = micro.perResponseToken(manager, responses, i -> values[i]).toFloatArray();
      assertThat(placed).containsExactly(0, 0, 10, 11, 0, 20, 21, 0, 30, 0, 0, 0, 0, 0);
      int[] order = micro.responses();
      for (int k = 0; k < order.length; k++) {
        assertThat(micro.responsePart(placed, k, responses)).containsExactly(values[order[k]]);
      }
    }
  }

  /** Responses that start with the same 16 tokens, then these response tails. */
  private static List<ScoredResponse> templated(int... tails) {
    List<ScoredResponse> out = new ArrayList<>();
    for (int i = 0; i < tails.length; i++) {
      int[] tokens = new int[16 + tails[i]];
      Arrays.fill(tokens, 0, 16, 3);
      Arrays.fill(tokens, 16, tokens.length, 10 + i);
      out.add(new ScoredResponse("p" + i, 0, tokens, 16, 1f));
    }
    return out;
  }
}
