package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrzFormatTest {

  @Test
  void wellFormedMeansOneThinkCloseThenOneBoxedAnswerBlockAtTheEnd() {
    assertThat(OrzFormat.isWellFormed(" s. </think> <answer> \\boxed{7} </answer>")).isTrue();
    assertThat(OrzFormat.isWellFormed(" s. </think> <answer> \\boxed{7} </answer><|endoftext|>"))
        .isTrue();
    assertThat(OrzFormat.isWellFormed(" s. </think>\n<answer>\\boxed{\\frac{1}{2}}</answer>"))
        .isTrue();
  }

  @Test
  void aMissingMisplacedOrRepeatedPartIsMalformed() {
    assertThat(OrzFormat.isWellFormed(" s. <answer> \\boxed{7} </answer>")).isFalse();
    assertThat(OrzFormat.isWellFormed(" s. </think> \\boxed{7} </answer>")).isFalse();
    assertThat(OrzFormat.isWellFormed(" s. </think> <answer> \\boxed{7}")).isFalse();
    assertThat(OrzFormat.isWellFormed(" s. </think> <answer> 7 </answer>")).isFalse();
    assertThat(OrzFormat.isWellFormed(" s. </think> <answer> \\boxed{7 </answer>")).isFalse();
    assertThat(OrzFormat.isWellFormed(" s. </think> x <answer> \\boxed{7} </answer>")).isFalse();
    assertThat(OrzFormat.isWellFormed(" s. </think> more </think> <answer> \\boxed{7} </answer>"))
        .isFalse();
    assertThat(OrzFormat.isWellFormed(" s. </think> <answer> \\boxed{7} </answer> and more"))
        .isFalse();
    assertThat(OrzFormat.isWellFormed(" <think> s. </think> <answer> \\boxed{7} </answer>"))
        .isFalse();
    assertThat(OrzFormat.isWellFormed("</answer> s. </think> <answer> \\boxed{7} </answer>"))
        .isFalse();
  }
}
