package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionBatchTest {

  @Test
  void lossCoversExactlyTheCompletionTokens() {
    // Row 0: prompt [5 6], completion [7 8 9]    -> length 5, mask 0 0 1 1 1
    // Row 1: prompt [5 6 7], completion [1]      -> length 4, mask 0 0 0 1 | pad 0
    CompletionBatch batch =
        CompletionBatch.of(
            List.of(
                new CompletionBatch.Sequence(new int[] {5, 6}, new int[] {7, 8, 9}),
                new CompletionBatch.Sequence(new int[] {5, 6, 7}, new int[] {1})));

    assertThat(batch.tokens().rows()).isEqualTo(2);
    assertThat(batch.tokens().length()).isEqualTo(5);
    assertThat(batch.tokens().tokens()).containsExactly(5, 6, 7, 8, 9, 5, 6, 7, 1, 0);
    assertThat(batch.lossMask()).containsExactly(0, 0, 1, 1, 1, 0, 0, 0, 1, 0);
    assertThat(batch.lossTokens()).isEqualTo(4);
    assertThat(batch.realTokens()).isEqualTo(9);
    // Every completion token is a predicted (non-first, non-padding) token of the model's batch.
    float[] predicted = batch.tokens().predictedMask();
    for (int i = 0; i < predicted.length; i++) {
      assertThat(predicted[i]).isGreaterThanOrEqualTo(batch.lossMask()[i]);
    }
  }
}
