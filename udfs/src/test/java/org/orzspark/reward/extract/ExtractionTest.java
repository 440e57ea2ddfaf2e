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
    assertThat(OrzAnswerExtractor.fromGroundTruth("so \\boxed{1} then \\boxed{\\{1,2\\}}"))
        .isEqualTo("\\{1,2\\}");
    assertThat(OrzAnswerExtractor.fromGroundTruth(" 3\\sqrt{13} ")).isEqualTo("3\\sqrt{13}");
  }

  @Test
  void boxesAreBraceMatchedAndBounded() {
    assertThat(
            Boxed.all("\\boxed{a{b}c} x \\boxed{d} \\fbox{e}").stream().map(Boxed.Match::content))
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
    assertThat(MathAnswerExtractor.extract("so $\\boxed{7}$ and then $8$", both).get(0).matched())
        .isEqualTo("7");
    assertThat(
            MathAnswerExtractor.extract("\\boxed{200} ... The final answer is $10,455$.", both)
                .get(0)
                .matched())
        .isEqualTo("10,455");
    // Inline math must stay on one line; display math may span lines.
    assertThat(
            MathAnswerExtractor.extract(
                "Answer $ \n 9 \n $", new ExtractionConfig(true, false, true)))
        .isEmpty();
    assertThat(value("Answer $$ \n 9 \n $$", new ExtractionConfig(true, false, true)))
        .isEqualTo(num(9));
    // Adjacent boxes form one list.
    assertThat(MathAnswerExtractor.extract("\\boxed{1} and \\boxed{2}", both).get(0).matched())
        .isEqualTo("1, 2");
    // A bare name is the answer only when nothing else is.
    assertThat(
            MathAnswerExtractor.extract("Final Answer: The largest $n$ is 34.", both)
                .get(0)
                .matched())
        .isEqualTo("34");
  }

  @Test
  void plainNumbersWithSeparators() {
    ExtractionConfig expr = new ExtractionConfig(false, true, true);
    assertThat(value("7,425,000", expr)).isEqualTo(num(7425000));
    assertThat(value("it is 1 000", expr)).isEqualTo(num(1000));
    assertThat(MathAnswerExtractor.extract("Soucis : 2,74 $ a..", expr).get(0).matched())
        .isEqualTo("2,74");
    assertThat(MathAnswerExtractor.extract("x 1000,99", expr).get(0).value())
        .isEqualTo(new Expr.Num(new java.math.BigDecimal("1000.99"), true));
  }

  @Test
  void boxedPriorityIsASwitch() {
    String text = "final answer is $9999$, \\boxed{1}";
    assertThat(
            MathAnswerExtractor.extract(text, new ExtractionConfig(true, false, true))
                .get(0)
                .matched())
        .isEqualTo("1");
    assertThat(
            MathAnswerExtractor.extract(text, new ExtractionConfig(true, false, false))
                .get(0)
                .matched())
        .isEqualTo("9999");
    // With plain numbers on too, the 1 inside the box is not a prose number.
    assertThat(
            MathAnswerExtractor.extract(text, new ExtractionConfig(true, true, false))
                .get(0)
                .matched())
        .isEqualTo("9999");
  }

  @Test
  void listsOfRegionsAndBoxes() {
    ExtractionConfig both = ExtractionConfig.DEFAULTS;
    // A list that does not parse falls back to its regions, the last first.
    assertThat(value("$\\frac{1}{$ and $42$", both)).isEqualTo(num(42));
    assertThat(value("$42$ and $\\frac{1}{$", both)).isEqualTo(num(42));
    // A box after the math closed, with no separator, replaces the one before; with one, it is a
    // list.
    assertThat(MathAnswerExtractor.extract("$$\\boxed{20}$$ \\boxed{143}", both).get(0).matched())
        .isEqualTo("143");
    assertThat(MathAnswerExtractor.extract("$$\\boxed{20}$$, \\boxed{143}", both).get(0).matched())
        .isEqualTo("20, 143");
    assertThat(
            MathAnswerExtractor.extract(
                    "\\boxed{(3, 3)} \\text{ for part (a) and } \\boxed{(1, 1)}", both)
                .get(0)
                .matched())
        .isEqualTo("(3, 3), (1, 1)");
    // A numeral with a base subscript is an answer, not a bare name.
    assertThat(
            MathAnswerExtractor.extract(
                    "a quotient of $\\boxed{204_5}$, from $4_5\\times2_5=13_5$.", both)
                .get(0)
                .matched())
        .isEqualTo("204_5");
  }

  @Test
  void plainMixedNumbersArithmeticAndPercent() {
    ExtractionConfig expr = new ExtractionConfig(false, true, true);
    Expr fortyNinths = new Expr.Add(List.of(num(4), new Expr.Div(num(4), num(9))));
    assertThat(value("The answer is 4 4/9.", expr)).isEqualTo(fortyNinths);
    assertThat(value("-4 4/9", expr)).isEqualTo(new Expr.Neg(fortyNinths));
    assertThat(value("1 000 4/9", expr))
        .isEqualTo(new Expr.Add(List.of(num(1000), new Expr.Div(num(4), num(9)))));
    // An improper or undefined fraction part makes no number, and no part of it is the answer.
    assertThat(value("11 6/6", expr)).isNull();
    assertThat(value("The answer is 4 0/0.", expr)).isNull();
    // Only blanks join a mixed number; a whole part must be an integer.
    assertThat(value("11\n5/6", expr)).isEqualTo(new Expr.Div(num(5), num(6)));
    assertThat(value("11/10 4/9", expr)).isEqualTo(new Expr.Div(num(4), num(9)));
    assertThat(value("11.0 4/9", expr)).isEqualTo(new Expr.Div(num(4), num(9)));
    assertThat(value("so .4", expr)).isEqualTo(new Expr.Num(new java.math.BigDecimal(".4"), true));
    assertThat(MathAnswerExtractor.extract("it is 28 %", expr).get(0).matched()).isEqualTo("28 %");
    assertThat(MathAnswerExtractor.hasPercent("28 %")).isTrue();
    assertThat(MathAnswerExtractor.hasPercent("4 4/9percent")).isTrue();
    assertThat(MathAnswerExtractor.hasPercent("28")).isFalse();
  }

  private static Expr num(long n) {
    return new Expr.Num(java.math.BigDecimal.valueOf(n), false);
  }
}
