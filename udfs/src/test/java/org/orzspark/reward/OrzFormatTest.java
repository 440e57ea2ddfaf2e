package org.orzspark.reward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrzFormatTest {

  @ParameterizedTest
  @ValueSource(strings = {
      " 2 + 3 = 5 </think> <answer> \\boxed{5} </answer>",
      "<think> steps </think><answer>\\boxed{1}</answer>\n",
      "multi\nline\nreasoning</think>\n<answer>\nx = 2\n</answer>",
  })
  void acceptsReasoningThenOneAnswerBlock(String response) {
    assertThat(OrzFormat.wellFormed(response)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "no tags at all, \\boxed{5}",
      " steps </think> \\boxed{5}",
      " steps <answer> \\boxed{5} </answer>",
      " steps </think> <answer> \\boxed{5} </answer> trailing text",
      " a </think> b </think> <answer> 5 </answer>",
      " a </think> <answer> 5 </answer> <answer> 6 </answer>",
      " a </think> <answer> 5",
      "<think> <think> a </think> <answer> 5 </answer>",
  })
  void rejectsEverythingElse(String response) {
    assertThat(OrzFormat.wellFormed(response)).isFalse();
  }

  @org.junit.jupiter.api.Test
  void nullAndHugeResponsesAreNotWellFormed() {
    assertThat(OrzFormat.wellFormed(null)).isFalse();
    String huge = "x".repeat(OrzFormat.MAX_CHARS) + " </think> <answer> 1 </answer>";
    assertThat(OrzFormat.wellFormed(huge)).isFalse();
  }
}
