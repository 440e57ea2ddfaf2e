package org.orzspark.reward.latex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Call;
import org.orzspark.reward.latex.Expr.Div;
import org.orzspark.reward.latex.Expr.Interval;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.Num;
import org.orzspark.reward.latex.Expr.Pow;
import org.orzspark.reward.latex.Expr.Relation;
import org.orzspark.reward.latex.Expr.SetOf;
import org.orzspark.reward.latex.Expr.Sym;
import org.orzspark.reward.latex.Expr.Tuple;

/** Trees for hand-picked answers; each shows one grammar rule. */
class LatexParserTest {
  private static Num n(long v) {
    return new Num(BigDecimal.valueOf(v), false);
  }

  private static Sym s(String name) {
    return new Sym(name);
  }

  @Test
  void fractionsTakeOneDigitArgumentsWithoutBraces() {
    assertThat(LatexParser.parseLatex("\\frac94\\pi"))
        .isEqualTo(new Mul(List.of(new Div(n(9), n(4)), s("pi"))));
    assertThat(LatexParser.parseLatex("\\dfrac{3}{4}")).isEqualTo(new Div(n(3), n(4)));
    assertThat(LatexParser.parseLatex("\\frac3{3}")).isEqualTo(new Div(n(3), n(3)));
  }

  @Test
  void implicitProductsPowersAndFunctions() {
    // 3\sqrt{13}: number times sqrt; x^23 is x^2 * 3 in TeX.
    assertThat(LatexParser.parseLatex("3\\sqrt{13}"))
        .isEqualTo(new Mul(List.of(n(3), new Call("sqrt", List.of(n(13))))));
    assertThat(LatexParser.parseLatex("x^23"))
        .isEqualTo(new Mul(List.of(new Pow(s("x"), n(2)), n(3))));
    assertThat(LatexParser.parseLatex("\\sin^2 x"))
        .isEqualTo(new Pow(new Call("sin", List.of(s("x"))), n(2)));
    assertThat(LatexParser.parseLatex("\\log_2 8")).isEqualTo(new Call("log", List.of(n(8), n(2))));
    assertThat(LatexParser.parseLatex("-x_{1}")).isEqualTo(new Neg(s("x_1")));
  }

  @Test
  void bracketsMakeGroupsTuplesAndIntervals() {
    assertThat(LatexParser.parseLatex("(x+1)")).isEqualTo(new Add(List.of(s("x"), n(1))));
    assertThat(LatexParser.parseLatex("(1,2)")).isEqualTo(new Tuple(List.of(n(1), n(2))));
    assertThat(LatexParser.parseLatex("[1,2)")).isEqualTo(new Interval(n(1), n(2), true, false));
    assertThat(LatexParser.parseLatex("\\{1,2\\}")).isEqualTo(new SetOf(List.of(n(1), n(2))));
    assertThat(LatexParser.parseLatex("\\left[ 0, \\infty \\right)"))
        .isEqualTo(new Interval(n(0), s("oo"), true, false));
  }

  @Test
  void thousandsSeparatorsOnlyOutsideBrackets() {
    assertThat(LatexParser.parseLatex("1,000,000")).isEqualTo(n(1_000_000));
    assertThat(LatexParser.parseLatex("(1,000)")).isEqualTo(new Tuple(List.of(n(1), n(0))));
    assertThat(LatexParser.parseLatex("-2,1")).isEqualTo(new SetOf(List.of(new Neg(n(2)), n(1))));
  }

  @Test
  void relationsAreNormalised() {
    // 5 \geq x is stored as x <= 5; a chain is cut at its approximation.
    assertThat(LatexParser.parseLatex("5 \\geq x"))
        .isEqualTo(new Relation(List.of(s("x"), n(5)), List.of("<=")));
    assertThat(LatexParser.parseLatex("x=\\frac13\\approx0.3"))
        .isEqualTo(new Relation(List.of(s("x"), new Div(n(1), n(3))), List.of("=")));
  }

  @Test
  void rejectsWhatItDoesNotUnderstand() {
    assertThatThrownBy(() -> LatexParser.parseLatex("\\frac{1}{"))
        .isInstanceOf(LatexParseException.class);
    assertThatThrownBy(() -> LatexParser.parseLatex("(".repeat(100) + "1" + ")".repeat(100)))
        .hasMessageContaining("nesting");
    assertThatThrownBy(() -> LatexParser.parseLatex("1".repeat(LatexParser.MAX_LENGTH + 1)))
        .hasMessageContaining("longer");
  }
}
