package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpdateRowOrderTest {

  @Test
  void rowsAreOrderedByPromptIdThenSampleIndex() {
    UpdateRowOrder order =
        UpdateRowOrder.of(
            List.of(
                new UpdateRowOrder.Key("b", 0, 10),
                new UpdateRowOrder.Key("a", 1, 21),
                new UpdateRowOrder.Key("a", 0, 20),
                new UpdateRowOrder.Key("ab", 0, 30)));
    // a#0, a#1, ab#0, b#0
    assertThat(order.size()).isEqualTo(4);
    assertThat(order.responseLengths()).containsExactly(20, 21, 30, 10);
    assertThat(order.indexOf("a", 0)).isZero();
    assertThat(order.indexOf("a", 1)).isEqualTo(1);
    assertThat(order.indexOf("ab", 0)).isEqualTo(2);
    assertThat(order.indexOf("b", 0)).isEqualTo(3);
  }

  /**
   * Spark compares strings by their UTF-8 bytes: U+FF21 (EF BC A1) before U+1F600 (F0 9F 98 80),
   * where Java's {@code String.compareTo} puts the emoji's surrogate (D83D) first.
   */
  @Test
  void promptIdsCompareAsSparkOrdersStrings() {
    String fullwidth = "\uFF21";
    String emoji = "\uD83D\uDE00";
    assertThat(emoji.compareTo(fullwidth)).isNegative();
    UpdateRowOrder order =
        UpdateRowOrder.of(
            List.of(new UpdateRowOrder.Key(emoji, 0, 1), new UpdateRowOrder.Key(fullwidth, 0, 2)));
    assertThat(order.indexOf(fullwidth, 0)).isZero();
    assertThat(order.indexOf(emoji, 0)).isEqualTo(1);
    assertThat(order.responseLengths()).containsExactly(2, 1);
  }

  @Test
  void anUnknownRowOrADuplicateIsRefused() {
    UpdateRowOrder order = UpdateRowOrder.of(List.of(new UpdateRowOrder.Key("a", 0, 1)));
    assertThatThrownBy(() -> order.indexOf("a", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no experience row of prompt a sample 1");
    assertThatThrownBy(
            () ->
                UpdateRowOrder.of(
                    List.of(new UpdateRowOrder.Key("a", 0, 1), new UpdateRowOrder.Key("a", 0, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("experience has two rows of prompt a sample 0");
  }
}
