package org.orzspark.datasets.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShinglerTest {

  @Test
  void charShinglesAreTheDistinctWindows() {
    Shingler three = new Shingler(3, Shingler.Unit.CHAR);
    // "abcabc": windows abc, bca, cab, abc -> 3 distinct
    assertThat(three.shingles("abcabc")).hasSize(3).isSorted();
    assertThat(three.shingles("abcabc")).containsExactly(three.shingles("abcabca"));
  }

  @Test
  void wordShinglesSplitLettersDigitsAndSymbols() {
    Shingler two = new Shingler(2, Shingler.Unit.WORD);
    // tokens: what, is, 12, +, 3 -> 4 windows
    assertThat(two.shingles("what is 12+3")).hasSize(4);
    assertThat(two.shingles("what is 12+3")).containsExactly(two.shingles("what is 12 + 3"));
  }

  @Test
  void textsShorterThanNHaveOneShingleAndEmptyTextsNone() {
    Shingler five = new Shingler(5, Shingler.Unit.CHAR);
    assertThat(five.shingles("ab")).hasSize(1);
    assertThat(five.shingles("ab")).isNotEqualTo(five.shingles("ac"));
    assertThat(five.shingles("")).isEmpty();
    assertThat(new Shingler(5, Shingler.Unit.WORD).shingles("x = 1")).hasSize(1);
  }

  @Test
  void indicesLieInTheDimension() {
    assertThat(
            java.util.Arrays.stream(
                new Shingler(4, Shingler.Unit.CHAR).shingles("the quick brown fox")))
        .hasSize(16)
        .allSatisfy(i -> assertThat(i).isBetween(0, Shingler.DIMENSION - 1));
  }

  @Test
  void jaccardOnHandComputedSets() {
    assertThat(Shingler.jaccard(new int[] {1, 2, 3}, new int[] {2, 3, 4})).isEqualTo(0.5);
    assertThat(Shingler.jaccard(new int[] {1, 2}, new int[] {1, 2})).isEqualTo(1.0);
    assertThat(Shingler.jaccard(new int[] {1}, new int[] {2})).isEqualTo(0.0);
    assertThat(Shingler.jaccard(new int[] {}, new int[] {})).isEqualTo(0.0);
    assertThat(Shingler.jaccard(new int[] {1, 5, 9, 12}, new int[] {5, 12})).isEqualTo(0.5);
  }

  @Test
  void badSettingsAreRejectedWithTheValidNames() {
    assertThatThrownBy(() -> new Shingler(0, Shingler.Unit.CHAR)).hasMessageContaining(">= 1");
    assertThatThrownBy(() -> Shingler.Unit.parse("byte")).hasMessageContaining("[CHAR, WORD]");
    assertThat(Shingler.Unit.parse(" Word ")).isEqualTo(Shingler.Unit.WORD);
  }
}
