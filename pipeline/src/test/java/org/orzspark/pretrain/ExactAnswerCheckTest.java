package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExactAnswerCheckTest {

  @Test
  void extractsTheLastBoxedOfTheLastAnswerBlockBraceMatched() {
    assertThat(ExactAnswerCheck.extractAnswer(" x </think> <answer> \\boxed{\\frac{1}{2}} </answer>"))
        .contains("\\frac{1}{2}");
    assertThat(
            ExactAnswerCheck.extractAnswer(
                "<answer> \\boxed{1} </answer> again <answer> \\boxed{2} or \\boxed{ 3 } </answer>"))
        .contains("3");
    assertThat(ExactAnswerCheck.extractAnswer(" \\boxed{4} </answer>")).isEmpty();
    assertThat(ExactAnswerCheck.extractAnswer("<answer> 4 </answer>")).isEmpty();
    assertThat(ExactAnswerCheck.extractAnswer("<answer> \\boxed{4 </answer>")).isEmpty();
  }

  @Test
  void correctnessIsAnExactMatchOfTheExtractedAnswer() {
    String response = " 3 + 4 = 7. </think> <answer> \\boxed{7} </answer>";
    assertThat(ExactAnswerCheck.isCorrect(response, "7")).isTrue();
    assertThat(ExactAnswerCheck.isCorrect(response, " 7 ")).isTrue();
    assertThat(ExactAnswerCheck.isCorrect(response, "7.0")).isFalse();
    assertThat(ExactAnswerCheck.isCorrect(" 3 + 4 = 7. So the answer is 7.", "7")).isFalse();
  }

  @Test
  void wellFormedMeansOneThinkCloseThenOneBoxedAnswerBlockAtTheEnd() {
    assertThat(ExactAnswerCheck.isWellFormed(" s. </think> <answer> \\boxed{7} </answer>")).isTrue();
    assertThat(ExactAnswerCheck.isWellFormed(" s. </think> <answer> \\boxed{7} </answer><|endoftext|>"))
        .isTrue();
    assertThat(ExactAnswerCheck.isWellFormed(" s. <answer> \\boxed{7} </answer>")).isFalse();
    assertThat(ExactAnswerCheck.isWellFormed(" s. </think> \\boxed{7} </answer>")).isFalse();
    assertThat(ExactAnswerCheck.isWellFormed(" s. </think> <answer> \\boxed{7}")).isFalse();
    assertThat(ExactAnswerCheck.isWellFormed(" s. </think> <answer> 7 </answer>")).isFalse();
    assertThat(ExactAnswerCheck.isWellFormed(" s. </think> more </think> <answer> \\boxed{7} </answer>"))
        .isFalse();
    assertThat(ExactAnswerCheck.isWellFormed(" s. </think> <answer> \\boxed{7} </answer> and more"))
        .isFalse();
    assertThat(ExactAnswerCheck.isWellFormed(" <think> s. </think> <answer> \\boxed{7} </answer>"))
        .isFalse();
  }
}
