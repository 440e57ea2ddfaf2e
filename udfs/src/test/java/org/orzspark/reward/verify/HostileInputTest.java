package org.orzspark.reward.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.reward.latex.Expr;
import org.orzspark.reward.latex.LatexParser;

/**
 * Model output is untrusted: random (seeded) and adversarial strings must never make the verifier
 * throw, hang or answer by the clock. Answers are decided by the check's work budget, so they are
 * the same on an idle and on a loaded machine; the wall clock is only a net far above any cost.
 */
class HostileInputTest {
  /** How late the wall-clock net may report (scheduling on a loaded machine). */
  private static final long SLACK_MILLIS = 700;

  /** Fuzz inputs derive from this seed, so a failure reproduces exactly. */
  private static final long SEED = 20_251_125L;

  /**
   * Far above any check of the corpus (1.6 s idle, 4.5 s under heavy load here), far below a hang.
   */
  private static final Duration NO_HANG = Duration.ofMillis(VerifyOptions.TIMEOUT_MILLIS_DEFAULT);

  /** Reasons the corpus may be answered with; never timeout or internal-error. */
  private static final Set<String> DETERMINISTIC_REASONS =
      new HashSet<>(
          Arrays.asList(
              null, Verdict.TOO_LARGE, Verdict.PARSE_ERROR, Verdict.NO_ANSWER, Verdict.NO_GOLD));

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

  /**
   * Each of the three entry points returns a verdict (no exception, no hang) with a reason the
   * input decided, never the clock's or an internal error's.
   */
  private static void assertBounded(String gold, String pred) {
    AdversarialCorpus.Pair pair = new AdversarialCorpus.Pair("fuzz", gold, pred);
    List<Verdict> answered =
        assertTimeoutPreemptively(
            NO_HANG,
            () -> verdicts(pair, VerifyOptions.DEFAULTS),
            () -> "hung on " + abbreviate(gold) + " | " + abbreviate(pred));
    assertThat(answered)
        .extracting(Verdict::reason)
        .as("%s | %s", abbreviate(gold), abbreviate(pred))
        .allMatch(DETERMINISTIC_REASONS::contains);
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static final String[] TOKENS = {
    "\\frac",
    "{",
    "}",
    "\\sqrt",
    "^",
    "_",
    "(",
    ")",
    "[",
    "]",
    "\\left",
    "\\right",
    "x",
    "y",
    "1",
    "0",
    "9",
    ".",
    ",",
    "=",
    "<",
    "\\le",
    "\\pm",
    "\\boxed{",
    "$",
    "\\text{",
    "\\begin{pmatrix}",
    "&",
    "\\\\",
    "\\end{pmatrix}",
    "\\infty",
    "\\pi",
    "e",
    "!",
    "\t",
    "\f",
    "\u0000",
    "\\cup",
    ":",
    "%",
    "-",
    "+",
    "*",
    "/",
    " ",
    "\\",
    "<answer>",
    "</answer>",
    "10^{",
    "\\sin",
    "\\log_",
    "\\sum_{k=1}^{",
    "\\prod_{j=",
    "_{n-k}"
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
      int codePoint =
          random.nextInt(4) == 0
              ? random.nextInt(0x80)
              : random.nextInt(Character.MAX_CODE_POINT + 1);
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
  void longPlainTextArithmeticDoesNotHideTheAnswer() {
    // The prose-number regex bounds its repetitions, so a long chain cannot overflow the stack.
    assertThat(
            MathVerifier.verify(
                "5",
                "1+".repeat(16_000) + " so \\boxed{5}",
                ExtractionConfig.DEFAULTS,
                VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.EQUAL);
    assertThat(
            MathVerifier.verify(
                "5",
                "1 - ".repeat(8_000) + "so 5",
                new ExtractionConfig(false, true, true),
                VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.EQUAL);
  }

  @Test
  void anExhaustedWallClockNetSaysTimeout() {
    // An identity only the CAS can prove, given one millisecond: "not equal" with reason timeout.
    VerifyOptions oneMilli = VerifyOptions.DEFAULTS.withTimeoutMillis(1);
    long millis =
        timedMillis(
            () ->
                assertThat(
                        MathVerifier.verifyAnswers(
                            "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{15+2\\sqrt{33}}",
                            "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}+\\sin^2 x+\\cos^2 x-1",
                            oneMilli))
                    .isEqualTo(Verdict.failed(Verdict.TIMEOUT)));
    assertThat(millis).isLessThan(1 + SLACK_MILLIS);
  }

  /** The three entry points on one pair of bare answers. */
  private static List<Verdict> verdicts(AdversarialCorpus.Pair pair, VerifyOptions options) {
    return List.of(
        MathVerifier.verifyAnswers(pair.gold(), pair.pred(), options),
        OrzReward.judge(
            "<answer>\\boxed{" + pair.pred() + "}</answer>", pair.gold(), true, options),
        MathVerifier.verify(
            "$" + pair.gold() + "$", "$" + pair.pred() + "$", ExtractionConfig.DEFAULTS, options));
  }

  /** Equal only by the CAS or by probing: the answers whose stability under load matters most. */
  private static final List<AdversarialCorpus.Pair> SYMBOLIC =
      List.of(
          new AdversarialCorpus.Pair("symbolic", "1", "\\sin^2 x+\\cos^2 x"),
          new AdversarialCorpus.Pair("symbolic", "x^2+2x+1", "(x+1)^2"),
          new AdversarialCorpus.Pair("symbolic", "\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}"),
          new AdversarialCorpus.Pair(
              "symbolic",
              "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{15+2\\sqrt{33}}",
              "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}+\\sin^2 x+\\cos^2 x-1"),
          new AdversarialCorpus.Pair("symbolic", "\\frac{n(n+1)}{2}", "\\sum_{k=1}^{n} k"),
          new AdversarialCorpus.Pair(
              "symbolic",
              "\\{\\sqrt{2}, -\\sqrt{2}, 1+\\sqrt{3}\\}",
              "\\{1+\\sqrt{3}, \\frac{2}{\\sqrt{2}}, -\\frac{\\sqrt{8}}{2}\\}"));

  /**
   * Every family of {@link AdversarialCorpus} as predictions and as gold answers: answered without
   * a hang, an exception, an internal error or the wall-clock net firing; then answered again, with
   * CPU-burning threads competing for the cores, with exactly the same verdicts.
   */
  @Test
  void adversarialCorpusIsAnsweredByWorkAndTheSameUnderLoad() throws Exception {
    List<AdversarialCorpus.Pair> pairs = new ArrayList<>(AdversarialCorpus.pairs());
    pairs.addAll(SYMBOLIC);
    VerifyOptions options = VerifyOptions.DEFAULTS;
    List<List<Verdict>> idle = new ArrayList<>();
    for (AdversarialCorpus.Pair pair : pairs) {
      List<Verdict> answered =
          assertTimeoutPreemptively(
              NO_HANG,
              () -> verdicts(pair, options),
              () ->
                  "hung on "
                      + pair.family()
                      + ": "
                      + abbreviate(pair.gold())
                      + " | "
                      + abbreviate(pair.pred()));
      assertThat(answered)
          .extracting(Verdict::reason)
          .as("%s: %s | %s", pair.family(), abbreviate(pair.gold()), abbreviate(pair.pred()))
          .allMatch(DETERMINISTIC_REASONS::contains);
      idle.add(answered);
    }
    assertThat(idle.subList(idle.size() - SYMBOLIC.size(), idle.size()))
        .as("the symbolic pairs are equal")
        .allSatisfy(v -> assertThat(v).allMatch(Verdict::equal));

    List<List<Verdict>> loaded = new ArrayList<>();
    try (CpuBurners burners = new CpuBurners(2 * Runtime.getRuntime().availableProcessors())) {
      for (AdversarialCorpus.Pair pair : pairs) {
        loaded.add(verdicts(pair, options));
      }
    }
    assertThat(loaded).isEqualTo(idle);
  }

  /** Threads that keep every core busy until closed. */
  private static final class CpuBurners implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    CpuBurners(int count) {
      for (int i = 0; i < count; i++) {
        Thread t =
            new Thread(
                () -> {
                  double x = 1;
                  while (running.get()) {
                    x = Math.sin(x) + 1;
                  }
                },
                "cpu-burner-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  @Test
  void hugeBinomialAndFactorialArgumentsAreTooLargeOnEitherSide() {
    for (String hostile :
        List.of(
            "\\binom{5}{10^{10}}", "\\binom{10^{10}}{5}", "\\binom{5}{-10^{12}}", "(10^{10})!")) {
      Verdict asPrediction =
          assertTimeoutPreemptively(
              NO_HANG, () -> MathVerifier.verifyAnswers("5", hostile, VerifyOptions.DEFAULTS));
      Verdict asGold =
          assertTimeoutPreemptively(
              NO_HANG, () -> MathVerifier.verifyAnswers(hostile, "5", VerifyOptions.DEFAULTS));
      assertThat(List.of(asPrediction, asGold))
          .as(hostile)
          .containsOnly(Verdict.failed(Verdict.TOO_LARGE));
    }
    assertThat(MathVerifier.verifyAnswers("120", "\\binom{10}{3}", VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.EQUAL);
    assertThat(
            MathVerifier.verifyAnswers(
                "\\binom{10}{3}", "\\frac{10!}{3!\\,7!}", VerifyOptions.DEFAULTS))
        .isEqualTo(Verdict.EQUAL);
  }

  @Test
  void aChecksWorkIsTheSameEveryTimeAndItsBudgetDecidesTooLarge() {
    Expr gold = LatexParser.parseLatex("\\begin{pmatrix}1&1\\\\1&0\\end{pmatrix}".repeat(12));
    Expr pred = LatexParser.parseLatex("\\begin{pmatrix}233&144\\\\144&89\\end{pmatrix}");
    long[] spent = new long[2];
    for (int run = 0; run < 2; run++) {
      WorkBudget budget = WorkBudget.standard();
      assertThat(new Equivalence(VerifyOptions.DEFAULTS, budget, Long.MAX_VALUE).equal(gold, pred))
          .isTrue();
      spent[run] = budget.spent();
    }
    assertThat(spent[0]).isPositive().isEqualTo(spent[1]);
    WorkBudget tooSmall = new WorkBudget(spent[0] - 1);
    assertThatThrownBy(
            () ->
                new Equivalence(VerifyOptions.DEFAULTS, tooSmall, Long.MAX_VALUE).equal(gold, pred))
        .isInstanceOf(WorkBudget.ExhaustedException.class);
  }

  @Test
  void tabAndFormFeedWrittenForBackslashesAreRepaired() {
    // "\text{13}" and "\frac{7}{4}" in a non-raw literal arrive as TAB+"ext{13}" and
    // FF+"rac{7}{4}".
    assertThat(MathVerifier.verifyAnswers("\text{13}", "13", VerifyOptions.DEFAULTS).equal())
        .isFalse();
    assertThat(
            MathVerifier.verifyAnswers("\\text{13}", "\text{13}", VerifyOptions.DEFAULTS).equal())
        .isTrue();
    assertThat(
            MathVerifier.verifyAnswers("-\\frac{7}{4}", "-\frac{7}{4}", VerifyOptions.DEFAULTS)
                .equal())
        .isTrue();
    assertThat(MathVerifier.verifyAnswers("7", "\u00007\u0001", VerifyOptions.DEFAULTS).equal())
        .as("NUL and other controls are blanks")
        .isTrue();
  }
}
