package org.orzspark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ByteLevelPreTokenizerTest {

  @Test
  void splitsDigitsIndividuallyAndKeepsLeadingSpaceWithWords() {
    assertThat(ByteLevelPreTokenizer.split("What is 12+345?"))
        .containsExactly("What", " is", " ", "1", "2", "+", "3", "4", "5", "?");
  }

  @Test
  void splitsContractionsPunctuationAndNewlines() {
    assertThat(ByteLevelPreTokenizer.split("It's \\boxed{7}.\nDone"))
        .containsExactly("It", "'s", " \\", "boxed", "{", "7", "}.\n", "Done");
  }

  @Test
  void trailingSpacesBeforeAWordStayWithTheWord() {
    // "\s+(?!\S)" leaves the last space to prefix the next word.
    assertThat(ByteLevelPreTokenizer.split("a   b")).containsExactly("a", "  ", " b");
  }

  @Test
  void wordsConcatenateBackToTheText() {
    for (String text :
        List.of(
            "", " ", "x^2 - 3x + 2 = 0", "Ünïcödé 数学 123", "tabs\tand\r\nlines\n\n", "a'LL 'd")) {
      assertThat(String.join("", ByteLevelPreTokenizer.split(text))).isEqualTo(text);
    }
  }
}
