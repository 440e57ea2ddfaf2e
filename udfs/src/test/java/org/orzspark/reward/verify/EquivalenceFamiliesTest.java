package org.orzspark.reward.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.orzspark.reward.extract.ExtractionConfig;

/**
 * One table per equivalence family of the reward, each with must-be-false rows. Answers are raw
 * LaTeX as the ORZ reward sees them after extraction; gold first.
 */
class EquivalenceFamiliesTest {

  private static boolean verified(String gold, String pred) {
    return MathVerifier.verifyAnswers(gold, pred, VerifyOptions.DEFAULTS).equal();
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1000 | 1,000 | true",
        "7425000 | 7,425,000 | true",
        "32349 | 32,\\!349 | true",
        "32349 | 32, 349 | false",
        "0.5 | .5 | true",
        "1000 | 1000.0 | true",
        "-5 | -5.0 | true",
        "3 | 3.001 | false",
        "12 | 21 | false",
      })
  void integersAndDecimals(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "28\\% | 28 | true",
        "28\\% | 28 percent | true",
        "28\\% | 28 pct | true",
        "20\\% | 25\\% | false",
        "1500 | 1.5\\times10^{3} | true",
        "1500 | 1.5e3 | true",
        "0.001 | 1e-3 | true",
        "0.001 | 1e-4 | false",
      })
  void percentAndScientificNotation(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\\frac{1}{2} | 0.5 | true",
        "\\dfrac12 | 1/2 | true",
        "\\tfrac{3}{4} | \\frac34 | true",
        "\\frac{2}{4} | \\frac{1}{2} | true",
        "\\frac{14}{3} | 14/3 | true",
        "-\\frac{10}{9} | \\frac{-10}{9} | true",
        "1/3 | 0.333333 | true",
        "1/3 | 0.33 | false",
        "\\frac{1}{3} | \\frac{1}{4} | false",
      })
  void fractions(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2\\sqrt{2} | \\sqrt{8} | true",
        "3 | \\sqrt[3]{27} | true",
        "\\sqrt{12} | 2\\sqrt3 | true",
        "\\sqrt{2} | 1.41421356 | true",
        "\\frac{\\sqrt{3}}{3} | \\frac{1}{\\sqrt{3}} | true",
        "\\sqrt{2} | 2\\sqrt{2} | false",
        "4 | 4\\sqrt{2} | false",
      })
  void radicals(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2\\pi | \\pi \\cdot 2 | true",
        "\\frac{9}{4}\\pi | \\frac94\\pi | true",
        "\\pi | 3.141593 | true",
        "\\pi | 3.14 | false",
        "e^{2} | e^2 | true",
        "e^2 | 2e | false",
        "90^\\circ | 90 | true",
      })
  void constantsAndDegrees(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "15\\text{ cm}^2 | 15 | true",
        "125\\textnormal{ miles} | 125 | true",
        "\\text{Evelyn} | Evelyn | true",
        "\\text{odd} | \\text{even} | false",
        "\\left( 3, \\frac{\\pi}{2} \\right) | (3, \\pi/2) | true",
        "\\text{(C)} | C | true",
        "\\text{C} | (C) | true",
        "C | D | false",
        "\\text{13} | 13 | false",
      })
  void textUnitsStylingAndChoices(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[1,2) | [1,2) | true",
        "(1,2) | [1,2] | false",
        "(0,1] | (0,1) | false",
        "(-\\infty, 2) \\cup (3, \\infty) | (3,\\infty)\\cup(-\\infty,2) | true",
        "(-\\infty, 2) \\cup (3, \\infty) | (-\\infty, 2) \\cup [3, \\infty) | false",
        "\\{1,2,3\\} | \\{3,2,1\\} | true",
        "\\{1,2\\} | \\{1,2,3\\} | false",
        "\\emptyset | \\varnothing | true",
        "1\\leq\\lvert z\\rvert\\leq \\frac{3}{2} | z \\in \\left[-\\frac{3}{2}, -1\\right] \\cup \\left[1, \\frac{3}{2}\\right] | true",
        "1\\leq\\lvert z\\rvert\\leq \\frac{3}{2} | z \\in [1, \\frac{3}{2}] | false",
        "0 < \\lvert x\\rvert < 2 | x \\in (-2,0) \\cup (0,2) | true",
        "0 \\le \\lvert x\\rvert < 2 | x \\in (-2,2) | true",
      })
  void intervalsAndSets(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "(1,2) | (1, 2) | true",
        "(1,2) | (2,1) | false",
        "(1,\\frac{9}{2}) | (1,4.5) | true",
        "\\pm 2 | 2, -2 | true",
        "1\\pm\\sqrt{2} | 1-\\sqrt{2}, 1+\\sqrt{2} | true",
        "2 | \\pm 2 | false",
        "2 \\text{ and } 3 | 3, 2 | true",
        "2, 3 | 2, 4 | false",
        "(3,1) | \\{1,3\\} | false",
      })
  void tuplesAndMultipleAnswers(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix} | \\begin{bmatrix}1 & 2 \\\\ 3 & 4\\end{bmatrix} | true",
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix} | \\begin{pmatrix}1&2\\\\3&5\\end{pmatrix} | false",
        "\\begin{pmatrix}1\\\\2\\end{pmatrix} | \\begin{pmatrix}1&2\\end{pmatrix} | false",
        "\\begin{pmatrix}6&8\\\\10&12\\end{pmatrix} | \\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}+\\begin{pmatrix}5&6\\\\7&8\\end{pmatrix} | true",
      })
  void matrices(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2x+4y-3=0 | y=-\\frac12x+\\frac34 | true",
        "34x+45y-20z+100=0 | -34x-45y+20z-100=0 | true",
        "x+y=1 | x-y=1 | false",
        "1 | k=1 | true",
        "x=11 | 11 | true",
        "2x+z=1 | 1 | false",
        "x<3 | 3>x | true",
        "x<1 | -x>-1 | true",
        "x<3 | x\\le3 | false",
        "x>5 | x<5 | false",
        "x \\ne 5 | x != 5 | true",
        "y=x | x=y | true",
        "y=2x+1 | y=1+2x | true",
        "y=2x+1 | y=2x-1 | false",
      })
  void equationsAndInequalities(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "(x+1)^2 | x^2+2x+1 | true",
        "x+1 | x-1 | false",
        "x^2 | x^3 | false",
        "\\tan^2(y)+1 | \\sec^2(y) | true",
        "\\sin^2 x+\\cos^2 x | 1 | true",
        "\\frac{x^2-1}{x-1} | x+1 | true",
        "\\frac{5\\sqrt{42}}{27} | \\frac{10\\sqrt{10.5}}{27} | true",
        "10^{\\frac{-5+\\sqrt{13}}{6}} | 10^{\\frac{\\sqrt{13}-5}{6}} | true",
        "p-q | q-p | false",
        "\\sum_{k=1}^{n} k | \\frac{n(n+1)}{2} | true",
        "\\sum_{k=1}^{n} k | \\frac{n(n-1)}{2} | false",
        "\\prod_{k=1}^{5} k | 120 | true",
        "F_n = \\sum_{k=0}^{n-1} F_k F_{n-k-1} | F_n = \\sum_{k=0}^{n-1} F_{n-k-1} F_k | true",
        "F_n = \\sum_{k=0}^{n-1} F_k F_{n-k-1} | F_n = \\sum_{k=0}^{n-2} F_k F_{n-k-2} | false",
      })
  void symbolicExpressions(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "19, 46, 82 | 19, 46, \\text{ and } 82 | true",
        "19, 46, 82 | 19, 46, and 82 | true",
        "19, 46, 82 | 21, 36, and 82 | false",
        "(1,2),(3,7) | (3,7),(3,7),(1,2) | true",
        "(1,2),(3,7) | (3,7),(3,8),(1,2) | false",
        "p=5,q=2;p=7,q=2 | p = 5, q = 2 \\quad \\text{and} \\quad p = 7, q = 2 | true",
        "p=5,q=2;p=7,q=2 | p = 5, q = 2, p = 7, q = 3 | false",
        "\\frac{10}{9} | \\frac12 = \\frac{10}{9} | true",
        "\\frac12 | \\frac12 = \\frac{10}{9} | false",
        "5 | 2+3 = 5 | true",
        "2x + z = 1 | 1 | false",
      })
  void listsAndWorkedComputations(String gold, String pred, boolean expected) {
    assertThat(verified(gold, pred)).isEqualTo(expected);
  }

  @Test
  void aPercentAnswerEqualsItsNumberAndItsValue() {
    assertThat(verified("28\\%", "0.28")).isTrue();
    assertThat(verified("0.28", "28\\%")).isTrue();
    assertThat(verified("28\\%", "2.8")).isFalse();
    assertThat(verified("0.28", "28")).isFalse();
  }

  @Test
  void plainTextNumbersThroughTheExtractor() {
    ExtractionConfig expr = new ExtractionConfig(false, true, true);
    assertThat(MathVerifier.verify("7/25", "28%", expr, VerifyOptions.DEFAULTS).equal()).isTrue();
    assertThat(MathVerifier.verify("40/900", "4 4/9 pct", expr, VerifyOptions.DEFAULTS).equal())
        .isTrue();
    assertThat(
            MathVerifier.verify("40/9", "The answer is 4 4/9.", expr, VerifyOptions.DEFAULTS)
                .equal())
        .isTrue();
    assertThat(
            MathVerifier.verify("4", "The answer is 4 4/9.", expr, VerifyOptions.DEFAULTS).equal())
        .isFalse();
    assertThat(MathVerifier.verify("103/9", "11 + 4/9", expr, VerifyOptions.DEFAULTS).equal())
        .isTrue();
    assertThat(MathVerifier.verify("11 + 4/9", "11 - 4/9", expr, VerifyOptions.DEFAULTS).equal())
        .isFalse();
    assertThat(MathVerifier.verify("0.4", "about .4", expr, VerifyOptions.DEFAULTS).equal())
        .isTrue();
  }

  @Test
  void precisionDecidesHowFloatsCompare() {
    VerifyOptions four = VerifyOptions.DEFAULTS.withPrecision(4);
    assertThat(MathVerifier.verifyAnswers("\\frac13", "0.3333", four).equal()).isTrue();
    assertThat(MathVerifier.verifyAnswers("\\frac13", "0.3333", VerifyOptions.DEFAULTS).equal())
        .isFalse();
  }

  @Test
  void strictModeKeepsVariableNames() {
    assertThat(MathVerifier.verifyAnswers("f(x)", "f(y)", VerifyOptions.DEFAULTS).equal())
        .isFalse();
    assertThat(
            MathVerifier.verifyAnswers("f(x)", "f(y)", VerifyOptions.DEFAULTS.withStrict(false))
                .equal())
        .isTrue();
    assertThat(
            MathVerifier.verifyAnswers("x+2y", "a+2b", VerifyOptions.DEFAULTS.withStrict(false))
                .equal())
        .isTrue();
    assertThat(
            MathVerifier.verifyAnswers("x+2y", "2a+b", VerifyOptions.DEFAULTS.withStrict(false))
                .equal())
        .isTrue();
    assertThat(
            MathVerifier.verifyAnswers("x+2y", "a+3b", VerifyOptions.DEFAULTS.withStrict(false))
                .equal())
        .isFalse();
  }

  @Test
  void setRelationComparisonIsASwitch() {
    VerifyOptions allow = VerifyOptions.DEFAULTS.withAllowSetRelationComp(true);
    assertThat(MathVerifier.verifyAnswers("(-\\infty, 3)", "x<3", VerifyOptions.DEFAULTS).equal())
        .isFalse();
    assertThat(MathVerifier.verifyAnswers("(-\\infty, 3)", "x<3", allow).equal()).isTrue();
    assertThat(
            MathVerifier.verifyAnswers("x \\in [0,1]", "0 \\le x \\le 1", VerifyOptions.DEFAULTS)
                .equal())
        .isFalse();
    assertThat(MathVerifier.verifyAnswers("x \\in [0,1]", "0 \\le x \\le 1", allow).equal())
        .isTrue();
  }

  @Test
  void technicalFailuresCarryAReason() {
    assertThat(MathVerifier.verifyAnswers("5", "\\frac{", VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.failed(Verdict.PARSE_ERROR));
    assertThat(MathVerifier.verifyAnswers("5", "10^{10^{10}}", VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.failed(Verdict.TOO_LARGE));
    assertThat(MathVerifier.verifyAnswers("5", "\\sum_{k=1}^{10^{9}} k", VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.failed(Verdict.TOO_LARGE));
    assertThat(MathVerifier.verifyAnswers("5", null, VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.failed(Verdict.NO_ANSWER));
    assertThat(MathVerifier.verifyAnswers("5", "6", VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.NOT_EQUAL);
  }
}
