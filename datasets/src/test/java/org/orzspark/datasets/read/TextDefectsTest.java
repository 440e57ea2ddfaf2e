package org.orzspark.datasets.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TextDefectsTest {

  private static Optional<QuarantineReason> reason(String text) {
    return TextDefects.find(text).map(TextDefects.Defect::reason);
  }

  @Test
  void formFeedBeforeFracIsABrokenEscapeAnywhere() {
    assertThat(reason("Find $\frac{m}{n}$.")).contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(reason("outside math \frac12")).contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(TextDefects.find("x = \frac{1}{2}").orElseThrow().detail())
        .contains("form feed before 'rac' at offset 4")
        .contains("\\frac");
  }

  @Test
  void tabBeforeACommandInsideMathIsABrokenEscape() {
    assertThat(reason("a $5 \times 5$ grid")).contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(reason("circle of $\triangle DEF$")).contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(reason("\\[ a \right) \\]")).contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(reason("$$\nabla f$$")).contains(QuarantineReason.BROKEN_ESCAPE);
  }

  @Test
  void aControlCharacterBeforeACommandThatIsNoWordIsABrokenEscapeOutsideMathToo() {
    assertThat(reason("Compute 5\times 5 without dollars."))
        .contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(reason("the sets satisfy x\notin A")).contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(reason("f(x) = \text{odd}")).contains(QuarantineReason.BROKEN_ESCAPE);
    assertThat(reason("the left and \rightarrow")).contains(QuarantineReason.BROKEN_ESCAPE);
  }

  @Test
  void whitespaceInProseAndCodeIsFine() {
    assertThat(reason("have\tequal\tperimeters.\tThe area")).isEmpty();
    assertThat(reason("[asy]\n{\n\treturn 2*sin(x);\n}\n[/asy]")).isEmpty();
    assertThat(reason("Options:\nA. yes\r\nB. no")).isEmpty();
    // Outside math a tab before a command-like word is prose: "\tan" = tab + "an".
    assertThat(reason("one\tan apple")).isEmpty();
    // Tails that are English words stay prose outside math: tab + "angle", line feed + "mid".
    assertThat(reason("the\tangle ABC")).isEmpty();
    assertThat(reason("at the\nmid point")).isEmpty();
    assertThat(reason("the\rfloor of a room")).isEmpty();
    // After $$...$$ closes, math is over.
    assertThat(reason("$$x$$ then\ttimes")).isEmpty();
    // An escaped dollar does not open math.
    assertThat(reason("costs \\$5 and\ttimes")).isEmpty();
  }

  @Test
  void otherControlCharactersAndReplacementCharactersAreInvalid() {
    assertThat(reason("nul\u0000byte")).contains(QuarantineReason.INVALID_CHARACTER);
    assertThat(reason("bell\u0007")).contains(QuarantineReason.INVALID_CHARACTER);
    assertThat(reason("form feed \f alone")).contains(QuarantineReason.INVALID_CHARACTER);
    assertThat(reason("bad bytes \uFFFD here")).contains(QuarantineReason.INVALID_CHARACTER);
    assertThat(TextDefects.find("a\u0001").orElseThrow().detail())
        .isEqualTo("character U+0001 at offset 1");
  }

  @Test
  void unpairedSurrogatesAreInvalidAndPairsAreFine() {
    assertThat(TextDefects.find("x\ud800y").orElseThrow())
        .isEqualTo(
            new TextDefects.Defect(
                QuarantineReason.INVALID_CHARACTER, "unpaired surrogate U+D800 at offset 1"));
    assertThat(reason("\ude00 first")).contains(QuarantineReason.INVALID_CHARACTER);
    assertThat(reason("smile \ud83d\ude00")).isEmpty();
  }

  @Test
  void unicodeTextAndLineSeparatorsAreFine() {
    assertThat(reason("Größe ≤ 5 — α\u2028β, 数学")).isEmpty();
  }
}
