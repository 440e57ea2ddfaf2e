package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MiniBatchesTest {
  @Test
  void shuffledPlanCoversEveryRowOnceInNearEqualParts() {
    List<int[]> plan = MiniBatches.shuffled(50, 12, 7);
    assertThat(plan).hasSize(12);
    // 50 = 12 * 4 + 2: the first two mini-batches get 5 rows, the others 4.
    assertThat(plan.stream().mapToInt(mb -> mb.length).toArray())
        .containsExactly(5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
    int[] all = plan.stream().flatMapToInt(Arrays::stream).sorted().toArray();
    assertThat(all).isEqualTo(IntStream.range(0, 50).toArray());
    assertThat(plan.stream().flatMapToInt(Arrays::stream).toArray())
        .isNotEqualTo(IntStream.range(0, 50).toArray());
  }

  @Test
  void theSeedDecidesThePlan() {
    assertThat(MiniBatches.shuffled(30, 12, 7))
        .usingRecursiveComparison()
        .isEqualTo(MiniBatches.shuffled(30, 12, 7));
    assertThat(MiniBatches.shuffled(30, 12, 8).get(0))
        .isNotEqualTo(MiniBatches.shuffled(30, 12, 7).get(0));
  }

  @Test
  void splitAndOwnedKeepOrder() {
    assertThat(MiniBatches.split(new int[] {9, 3, 5, 1, 7}, 2))
        .containsExactly(new int[] {9, 3}, new int[] {5, 1}, new int[] {7});
    assertThat(MiniBatches.owned(new int[] {9, 3, 5, 1, 7}, 3, 8)).containsExactly(3, 5, 7);
    assertThat(MiniBatches.owned(new int[] {9, 1}, 3, 8)).isEmpty();
    assertThat(MiniBatches.range(2, 5)).containsExactly(2, 3, 4);
  }

  @Test
  void rejectsImpossiblePlans() {
    assertThatThrownBy(() -> MiniBatches.shuffled(5, 12, 1)).hasMessageContaining("5 rows into 12");
    assertThatThrownBy(() -> MiniBatches.split(new int[] {1}, 0))
        .hasMessageContaining("micro-batch size");
  }
}
