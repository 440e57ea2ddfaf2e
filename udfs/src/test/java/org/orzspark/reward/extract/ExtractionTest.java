package org.orzspark.reward.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.latex.Expr;

class ExtractionTest {
  @Test
  void orzTakesTheLastBoxOfTheLastAnswerBlock() {
    String response =
        "<think>maybe \\boxed{1}</think> <answer>first \\boxed{2}</answer> oops"
            + " <answer>so \\boxed{3} or rather \\boxed{\\frac{1}{\\sqrt{2}}}</answer>";
    assertThat(OrzAnswerExtractor.fromResponse(response)).isEqualTo("\\frac{1}{\\sqrt{2}}");
    assertThat(OrzAnswerExtractor.fromResponse("<answer>no box</answer>")).isNull();
    assertThat(OrzAnswerExtractor.fromResponse("<answer>\\boxed{4}")).isNull();
    assertThat(OrzAnswerExtractor.fromResponse("<answer>\\boxed{4</answer>")).isNull();
    assertThat(OrzAnswerExtractor.fromResponse(null)).isNull();
  }

  @Test
  void groundTruthIsItsLastBoxElseTheWholeString() {
    assertThat(OrzAnswerExtractor.fromGroundTruth("so \\boxed{1} then \\boxed{\\{1,2\\}}")).isEqualTo("\\{1,2\\}");
    assertThat(OrzAnswerExtractor.fromGroundTruth(" 3\\sqrt{13} ")).isEqualTo("3\\sqrt{13}");
  }

  @Test
  void boxesAreBraceMatchedAndBounded() {
    assertThat(Boxed.all("\\boxed{a{b}c} x \\boxed{d} \\fbox{e}").stream().map(Boxed.Match::content))
        .containsExactly("a{b}c", "d", "e");
    assertThat(Boxed.last("\\boxed{\\{1\\}}").content()).isEqualTo("\\{1\\}");
    assertThat(Boxed.last("\\boxed 5$")).extracting(Boxed.Match::content).isEqualTo("5");
    assertThat(Boxed.last("\\boxed{" + "{".repeat(10_000))).isNull();
  }

  private static Expr value(String text, ExtractionConfig config) {
    List<Extracted> found = MathAnswerExtractor.extract(text, config);
    assertThat(found).hasSize(1);
    return found.get(0).value();
  }

  @Test
  void mathVerifyStylePriorities() {
    ExtractionConfig both = ExtractionConfig.DEFAULTS;
    // A box outranks later inline math; "final answer" outranks earlier boxes.
    assertThat(MathAnswerExtractor.extract("so $\\boxed{7}$ and then $8$", both).get(0).matched()).isEqualTo("7");
    assertThat(MathAnswerExtractor.extract("\\boxed{200} ... The final answer is $10,455$.", both).get(0).matched())
        .isEqualTo("10,455");
    // Inline math must stay on one line; display math may span lines.
    assertThat(MathAnswerExtractor.extract("Answer $ \n 9 \n $", new ExtractionConfig(true, false, true))).isEmpty();
    assertThat(value("Answer $$ \n 9 \n $$", new ExtractionConfig(true, false, true))).isEqualTo(num(9));
    // Adjacent boxes form one list.
    assertThat(MathAnswerExtractor.extract("\\boxed{1} and \\boxed{2}", both).get(0).matched()).isEqualTo("1, 2");
    // A bare name is the answer only when nothing else is.
    assertThat(MathAnswerExtractor.extract("Final Answer: The largest $n$ is 34.", both).get(0).matched()).isEqualTo("34");
  }

  @Test
  void plainNumbersWithSeparators() {
    ExtractionConfig expr = new ExtractionConfig(false, true, true);
    assertThat(value("7,425,000", expr)).isEqualTo(num(7425000));
    assertThat(value("it is 1 000", expr)).isEqualTo(num(1000));
    assertThat(MathAnswerExtractor.extract("Soucis : 2,74 $ a..", expr).get(0).matched()).isEqualTo("2,74");
    assertThat(MathAnswerExtractor.extract("x 1000,99", expr).get(0).value())
        .isEqualTo(new Expr.Num(new java.math.BigDecimal("1000.99"), true));
  }

  private static Expr num(long n) {
    return new Expr.Num(java.math.BigDecimal.valueOf(n), false);
  }
}
