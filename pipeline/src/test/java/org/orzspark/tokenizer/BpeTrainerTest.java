package org.orzspark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

  private static final int BASE = ByteLevelAlphabet.SIZE;

  private static BpeTrainer.Options options(int merges, int minFrequency) {
    return new BpeTrainer.Options(BASE + merges, minFrequency, List.of());
  }

  @Test
  void mergesTheMostFrequentPairThenBuildsOnIt() {
    // "abab": pairs ab:2, ba:1 -> merge a+b; word becomes [ab, ab]; pair (ab,ab):1 -> "abab".
    BpeVocabulary vocabulary = BpeTrainer.train(List.of("abab"), options(2, 1));

    assertThat(vocabulary.merges())
        .containsExactly(new BpeVocabulary.Merge("a", "b"), new BpeVocabulary.Merge("ab", "ab"));
    assertThat(vocabulary.tokens().subList(BASE, BASE + 2)).containsExactly("ab", "abab");
    assertThat(vocabulary.tokens().get(' ')).isEqualTo("Ġ");
  }

  @Test
  void tiesBreakTowardsTheSmallestPair() {
    // Words "xy", "Ġba": pairs (x,y), (Ġ,b), (b,a) all once; "b" < "x" < "Ġ" (U+0120).
    BpeVocabulary vocabulary = BpeTrainer.train(List.of("xy ba"), options(3, 1));

    assertThat(vocabulary.merges())
        .containsExactly(
            new BpeVocabulary.Merge("b", "a"),
            new BpeVocabulary.Merge("x", "y"),
            new BpeVocabulary.Merge("Ġ", "ba"));
  }

  @Test
  void stopsWhenNoPairIsFrequentEnough() {
    BpeVocabulary vocabulary = BpeTrainer.train(List.of("abab cd"), options(50, 2));

    assertThat(vocabulary.merges()).containsExactly(new BpeVocabulary.Merge("a", "b"));
    assertThat(vocabulary.size()).isEqualTo(BASE + 1);
  }

  @Test
  void addedTokensAreCutOutOfTheWordsAndNumberedAfterTheBpeTokens() {
    assertThat(BpeTrainer.countWords(List.of("x<think>y</think>x"), SpecialTokens.ALL))
        .containsOnly(entry("x", 2L), entry("y", 1L));

    BpeVocabulary vocabulary =
        BpeTrainer.train(
            List.of("<think> hi </think>"), BpeTrainer.Options.withProjectTokens(BASE + 7));
    assertThat(vocabulary.tokens()).noneMatch(token -> token.contains("think"));
    assertThat(vocabulary.addedTokenId(SpecialTokens.END_OF_TEXT))
        .isEqualTo(vocabulary.tokens().size());
    assertThat(vocabulary.addedTokenId(SpecialTokens.ANSWER_CLOSE))
        .isEqualTo(vocabulary.size() - 1);
  }

  @Test
  void resultDependsOnlyOnTheTextsNotTheirOrder() {
    List<String> texts = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      int a = random.nextInt(100);
      int b = random.nextInt(100);
      texts.add("What is " + a + " plus " + b + "? The sum is " + (a + b) + ".");
    }
    List<String> shuffled = new ArrayList<>(texts);
    Collections.shuffle(shuffled, new Random(11));

    BpeVocabulary first = BpeTrainer.train(texts, options(12, 2));
    BpeVocabulary second = BpeTrainer.train(shuffled, options(12, 2));

    assertThat(second).isEqualTo(first);
    assertThat(first.merges()).hasSize(12);
    // Digits are words of their own, so no merge ever joins two digits.
    assertThat(first.tokens()).noneMatch(token -> token.matches(".*\\d\\d.*"));
  }

  @Test
  void rejectsAVocabularyTooSmallForTheBytesAndAddedTokens() {
    assertThatThrownBy(() -> BpeTrainer.Options.withProjectTokens(BASE + 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 byte tokens + 5 added tokens");
  }
}
