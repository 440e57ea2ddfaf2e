package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptSamplerTest {

  @Test
  void anEpochVisitsEveryPromptExactlyOnce() {
    List<Integer> seen = new ArrayList<>();
    PromptSampler.Cursor cursor = PromptSampler.Cursor.START;
    for (int iteration = 0; iteration < 5; iteration++) {
      PromptSampler.Draw draw = PromptSampler.draw(7, 20, cursor, 4);
      seen.addAll(draw.indices());
      cursor = draw.next();
    }
    assertThat(seen).hasSize(20).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).hasSize(20);
    assertThat(cursor).isEqualTo(new PromptSampler.Cursor(0, 20));
  }

  @Test
  void aDrawAcrossTheEpochBoundaryContinuesWithTheNextPermutation() {
    PromptSampler.Draw draw = PromptSampler.draw(7, 10, new PromptSampler.Cursor(0, 8), 4);
    int[] epoch0 = PromptSampler.permutation(7, 0, 10);
    int[] epoch1 = PromptSampler.permutation(7, 1, 10);
    assertThat(draw.indices()).containsExactly(epoch0[8], epoch0[9], epoch1[0], epoch1[1]);
    assertThat(draw.next()).isEqualTo(new PromptSampler.Cursor(1, 2));
    assertThat(epoch0).isNotEqualTo(epoch1);
  }

  @Test
  void resumingFromACursorGivesTheSameDrawsAsOneUninterruptedRun() {
    PromptSampler.Draw first = PromptSampler.draw(3, 50, PromptSampler.Cursor.START, 16);
    PromptSampler.Draw second = PromptSampler.draw(3, 50, first.next(), 16);
    PromptSampler.Draw again =
        PromptSampler.draw(
            3, 50, new PromptSampler.Cursor(first.next().epoch(), first.next().offset()), 16);
    assertThat(again).isEqualTo(second);
    assertThat(PromptSampler.draw(4, 50, PromptSampler.Cursor.START, 16).indices())
        .as("another seed, another order")
        .isNotEqualTo(first.indices());
  }

  @Test
  void refusesEmptySetsAndDrawsLargerThanTheSet() {
    assertThatThrownBy(() -> PromptSampler.draw(1, 0, PromptSampler.Cursor.START, 1))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> PromptSampler.draw(1, 3, PromptSampler.Cursor.START, 4))
        .hasMessageContaining("at least");
  }
}
