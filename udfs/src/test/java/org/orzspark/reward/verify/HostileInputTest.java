package org.orzspark.reward.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.extract.ExtractionConfig;

/**
 * Model output is untrusted: random (seeded) and adversarial strings must never make the verifier
 * throw, and every call must return within its time limit (plus scheduling slack).
 */
class HostileInputTest {
  private static final VerifyOptions FAST = VerifyOptions.DEFAULTS.withTimeoutMillis(300);
  private static final long SLACK_MILLIS = 700;
  /** Fuzz inputs derive from this seed, so a failure reproduces exactly. */
  private static final long SEED = 20_251_125L;

  /** Symja's one-off start-up (seconds per JVM) is outside every check's budget by design. */
  @BeforeAll
  static void startCas() {
    Cas.initialize();
  }

  private static long timedMillis(Runnable check) {
    long start = System.nanoTime();
    check.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Each of the three entry points returns a verdict (no exception) within the limit plus slack. */
  private static void assertBounded(String gold, String pred) {
    List<Supplier<Verdict>> checks =
        List.of(
            () -> MathVerifier.verify(gold, pred, ExtractionConfig.DEFAULTS, FAST),
            () -> MathVerifier.verifyAnswers(gold, pred, FAST),
            () -> OrzReward.judge("<answer>\\boxed{" + pred + "}</answer>", gold, true, FAST));
    for (Supplier<Verdict> check : checks) {
      Verdict[] verdict = new Verdict[1];
      long millis = timedMillis(() -> assertThatCode(() -> verdict[0] = check.get())
          .as("no exception for %s", abbreviate(pred)).doesNotThrowAnyException());
      assertThat(verdict[0]).isNotNull();
      assertThat(millis).as("one check of %s", abbreviate(pred)).isLessThan(FAST.timeoutMillis() + SLACK_MILLIS);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static final String[] TOKENS = {
    "\\frac", "{", "}", "\\sqrt", "^", "_", "(", ")", "[", "]", "\\left", "\\right", "x", "y", "1", "0", "9",
    ".", ",", "=", "<", "\\le", "\\pm", "\\boxed{", "$", "\\text{", "\\begin{pmatrix}", "&", "\\\\",
    "\\end{pmatrix}", "\\infty", "\\pi", "e", "!", "\t", "\f", "\u0000", "\\cup", ":", "%", "-", "+", "*",
    "/", " ", "\\", "<answer>", "</answer>", "10^{", "\\sin", "\\log_", "\\sum_{k=1}^{", "\\prod_{j=", "_{n-k}"
  };

  /** Up to 60 LaTeX-ish tokens in random order. */
  private static String latexish(Random random) {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(61);
    for (int i = 0; i < n; i++) {
      sb.append(TOKENS[random.nextInt(TOKENS.length)]);
    }
    return sb.toString();
  }

  /** Up to 80 code points from anywhere in Unicode (surrogates, controls and NUL included). */
  private static String unicode(Random random) {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(81);
    for (int i = 0; i < n; i++) {
      int codePoint = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(Character.MAX_CODE_POINT + 1);
      if (Character.isValidCodePoint(codePoint)) {
        sb.appendCodePoint(codePoint);
      }
    }
    return sb.toString();
  }

  @Test
  void randomLatexNeverThrowsAndStaysWithinTheLimit() {
    Random random = new Random(SEED);
    for (int i = 0; i < 300; i++) {
      assertBounded(latexish(random), latexish(random));
    }
  }

  @Test
  void arbitraryUnicodeNeverThrows() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 200; i++) {
      assertBounded(unicode(random), unicode(random));
    }
  }

  @Test
  void adversarialInputs() {
    List<String> hostile =
        List.of(
            "10^{10^{10}}",
            "10^{10^{10}}+1",
            "2^{2^{2^{2^{2^{2}}}}}",
            "(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
            "\\frac{".repeat(500),
            "{".repeat(5000) + "1" + "}".repeat(4000),
            "\\sqrt{".repeat(300) + "2" + "}".repeat(300),
            "x^{".repeat(100) + "2" + "}".repeat(100),
            "9".repeat(5000),
            "1" + "0".repeat(3000) + "!",
            "\\binom{100000}{50000}",
            "(x+1)^{100000}",
            "(x+y+z+1)^{60}",
            "\u0000\u0001\u0002\\boxed{\u0007}",
            "\text{13}",
            "\\\frac{1}{2}",
            "x".repeat(1_000_000),
            "1+".repeat(16_000),
            "\\sum_{k=1}^{1000} \\sum_{j=1}^{1000} \\sum_{i=1}^{1000} i j k",
            "\\sum_{k=1}^{n} k^{1000}",
            "1 - ".repeat(8_000),
            ",".repeat(100_000),
            "$" + ", and ".repeat(600) + "$",
            "1 000" + " 000".repeat(8_000) + ",",
            "<answer>\\boxed{" + "1+".repeat(300_000) + "1}</answer>");
    for (String pred : hostile) {
      assertBounded("5", pred);
      assertBounded(pred, pred + "1");
    }
    assertThat(MathVerifier.verifyAnswers("1", "10^{10^{10}}", FAST).equal()).isFalse();
  }

  @Test
  void longPlainTextArithmeticDoesNotHideTheAnswer() {
    // The prose-number regex bounds its repetitions, so a long chain cannot overflow the stack.
    assertThat(MathVerifier.verify("5", "1+".repeat(16_000) + " so \\boxed{5}", ExtractionConfig.DEFAULTS, FAST))
        .isEqualTo(Verdict.EQUAL);
    assertThat(MathVerifier.verify("5", "1 - ".repeat(8_000) + "so 5", new ExtractionConfig(false, true, true), FAST))
        .isEqualTo(Verdict.EQUAL);
  }

  @Test
  void theDefaultLimitIsTwoSecondsAndAnExhaustedBudgetSaysTimeout() {
    assertThat(VerifyOptions.DEFAULTS.timeoutMillis()).isEqualTo(2_000);
    // An identity only the CAS can prove, given one millisecond: "not equal" with reason timeout.
    VerifyOptions oneMilli = VerifyOptions.DEFAULTS.withTimeoutMillis(1);
    long millis = timedMillis(() -> assertThat(MathVerifier.verifyAnswers(
        "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{15+2\\sqrt{33}}", "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}+\\sin^2 x+\\cos^2 x-1",
        oneMilli)).isEqualTo(Verdict.failed(Verdict.TIMEOUT)));
    assertThat(millis).isLessThan(1 + SLACK_MILLIS);
  }

  @Test
  void tabAndFormFeedWrittenForBackslashesAreRepaired() {
    // "\text{13}" and "\frac{7}{4}" in a non-raw literal arrive as TAB+"ext{13}" and FF+"rac{7}{4}".
    assertThat(MathVerifier.verifyAnswers("\text{13}", "13", FAST).equal()).isFalse();
    assertThat(MathVerifier.verifyAnswers("\\text{13}", "\text{13}", FAST).equal()).isTrue();
    assertThat(MathVerifier.verifyAnswers("-\\frac{7}{4}", "-\frac{7}{4}", FAST).equal()).isTrue();
    assertThat(MathVerifier.verifyAnswers("7", "\u00007\u0001", FAST).equal()).as("NUL and other controls are blanks").isTrue();
  }
}
