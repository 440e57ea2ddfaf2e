package org.orzspark.reward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseFormatTest {
  @Test
  void acceptsReasoningThenOneAnswerBlockWithABox() {
    assertThat(ResponseFormat.isWellFormed("2+2 is 4 </think> <answer> \\boxed{4} </answer>"))
        .isTrue();
    assertThat(ResponseFormat.isWellFormed(" x </think>\n<answer>so \\boxed{x+1}</answer>\n"))
        .isTrue();
    assertThat(ResponseFormat.isWellFormed("x </think> <answer>\\boxed{1}</answer><|endoftext|>"))
        .isTrue();
  }

  @Test
  void rejectsEveryBrokenShape() {
    assertThat(ResponseFormat.isWellFormed(null)).isFalse();
    assertThat(ResponseFormat.isWellFormed("no tags, \\boxed{4}")).isFalse();
    assertThat(ResponseFormat.isWellFormed("x </think> <answer>4</answer>")).as("no box").isFalse();
    assertThat(ResponseFormat.isWellFormed("x </think> <answer>\\boxed{4}"))
        .as("unclosed")
        .isFalse();
    assertThat(ResponseFormat.isWellFormed("x </think> more <answer>\\boxed{4}</answer>"))
        .as("text between")
        .isFalse();
    assertThat(ResponseFormat.isWellFormed("<think> x </think> <answer>\\boxed{4}</answer>"))
        .as("own <think>")
        .isFalse();
    assertThat(ResponseFormat.isWellFormed("x </think> y </think> <answer>\\boxed{4}</answer>"))
        .isFalse();
    assertThat(ResponseFormat.isWellFormed("x </think> <answer>\\boxed{4}</answer> tail"))
        .isFalse();
    assertThat(ResponseFormat.isWellFormed("x <answer>\\boxed{4}</answer> </think>")).isFalse();
    assertThat(
            ResponseFormat.isWellFormed(
                "x </think> <answer>\\boxed{4}</answer><answer>\\boxed{5}</answer>"))
        .isFalse();
  }
}
