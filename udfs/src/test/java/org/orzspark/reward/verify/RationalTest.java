package org.orzspark.reward.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.latex.LatexParser;

class RationalTest {
  private static Rational q(long n, long d) {
    return Rational.of(BigInteger.valueOf(n), BigInteger.valueOf(d));
  }

  @Test
  void arithmeticStaysInLowestTerms() {
    assertThat(q(2, -4)).isEqualTo(q(-1, 2));
    assertThat(q(1, 3).add(q(1, 6))).isEqualTo(q(1, 2));
    assertThat(q(2, 3).divide(q(4, 9))).isEqualTo(q(3, 2));
    assertThat(q(2, 3).pow(BigInteger.valueOf(-2))).isEqualTo(q(9, 4));
    assertThat(Rational.of(new BigDecimal("0.125"))).isEqualTo(q(1, 8));
    assertThat(q(1, 3).round(4)).isEqualTo(new BigDecimal("0.3333"));
    assertThat(q(2, 3).round(2)).isEqualTo(new BigDecimal("0.67"));
  }

  @Test
  void hugeResultsAreRefusedNotComputed() {
    assertThatThrownBy(() -> q(10, 1).pow(BigInteger.TEN.pow(10)))
        .isInstanceOf(Rational.TooLargeException.class);
    assertThat(q(1, 1).pow(BigInteger.TEN.pow(10))).isEqualTo(Rational.ONE);
    assertThat(q(-1, 1).pow(BigInteger.TEN.pow(10).add(BigInteger.ONE))).isEqualTo(q(-1, 1));
  }

  @Test
  void exactEvaluationOfParsedAnswers() {
    // sqrt(8/18) = 2/3; 5!/(2!3!) = 10; 27^(2/3) = 9; sqrt(2) is not rational.
    List<String> answers =
        List.of(
            "\\sqrt{\\frac{8}{18}}", "\\binom{5}{2}", "27^{\\frac{2}{3}}", "\\sqrt{2}", "1.5\\%");
    assertThat(
            answers.stream()
                .map(
                    a ->
                        String.valueOf(
                            ExactEvaluator.evaluate(
                                LatexParser.parseLatex(a), WorkBudget.standard()))))
        .containsExactly("2/3", "10", "9", "null", "3/2");
  }
}
