package org.orzspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.reward.verify.AdversarialCorpus;
import org.orzspark.reward.verify.Cas;
import org.orzspark.reward.verify.MathVerifier;
import org.orzspark.reward.verify.Verdict;
import org.orzspark.reward.verify.VerifyOptions;
import org.orzspark.timing.Deadline;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz bench verify}: verifications per second on one core and p50/p99 latency of the reward,
 * on MATH500-derived pairs and on the Math-Verify corpus. MATH500 pairs: each reference answer
 * against a rewritten equal form (the fast path), against {@code 2(a)-(a)} where only the CAS can
 * decide (answers with radicals, pi or variables), and against the next problem's answer.
 * Single-threaded, so checks per second are per core. Then the worst cost of each family of the
 * {@link AdversarialCorpus}, against which the default wall-clock net is set.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Benchmark the reward verifier: verifications/s/core and p50/p99 latency.")
public final class BenchVerifyCommand implements Callable<Integer> {

  @Option(
      names = "--math500",
      defaultValue = "${env:ORZ_HOME:-.}/datasets/data/eval/math500.json",
      description = "MATH500 JSON (default: ${DEFAULT-VALUE}).")
  Path math500;

  @Option(
      names = "--cases",
      defaultValue = "${env:ORZ_HOME:-.}/datasets/data/math-verify/cases.jsonl",
      description = "Math-Verify corpus JSONL (default: ${DEFAULT-VALUE}).")
  Path cases;

  @Option(
      names = "--seconds",
      defaultValue = "2",
      description = "Measured seconds per pair set (default: ${DEFAULT-VALUE}).")
  double seconds;

  /**
   * One pair set's figures: {@code checksPerSecond} by wall clock on one thread; {@code
   * checksPerCpuSecond} by the process's CPU time (JIT, GC and CAS threads included), which stays
   * meaningful when other processes compete for the cores.
   */
  public record Figures(
      String set,
      int pairs,
      long checks,
      double checksPerSecond,
      double checksPerCpuSecond,
      double p50Micros,
      double p99Micros,
      int equal) {}

  @Override
  public Integer call() throws IOException {
    System.out.printf(
        "%-22s %6s %9s %14s %14s %10s %10s %7s%n",
        "pair set",
        "pairs",
        "checks",
        "checks/s/core",
        "checks/CPU-s",
        "p50 us",
        "p99 us",
        "equal");
    for (Figures f : run(math500, cases, seconds)) {
      System.out.printf(
          "%-22s %6d %9d %14.0f %14.0f %10.1f %10.1f %7d%n",
          f.set(),
          f.pairs(),
          f.checks(),
          f.checksPerSecond(),
          f.checksPerCpuSecond(),
          f.p50Micros(),
          f.p99Micros(),
          f.equal());
    }
    System.out.println();
    System.out.printf(
        "%-26s %7s %12s %10s %10s%n",
        "adversarial family", "checks", "worst ms", "too-large", "timeout");
    double worst = 0;
    for (FamilyCost f : adversarial()) {
      System.out.printf(
          "%-26s %7d %12.1f %10d %10d%n",
          f.family(), f.checks(), f.worstMillis(), f.tooLarge(), f.timeouts());
      worst = Math.max(worst, f.worstMillis());
    }
    System.out.printf(
        "worst adversarial check %.1f ms; the default wall-clock net (%d ms) is %.0fx above it%n",
        worst, VerifyOptions.TIMEOUT_MILLIS_DEFAULT, VerifyOptions.TIMEOUT_MILLIS_DEFAULT / worst);
    System.out.printf("CAS threads still running past their deadline: %d%n", Cas.runawayThreads());
    return 0;
  }

  /** The cost of one adversarial family: its checks' worst wall time and how they were answered. */
  public record FamilyCost(
      String family, int checks, double worstMillis, int tooLarge, int timeouts) {}

  /**
   * Every pair of {@link AdversarialCorpus} through the three entry points (bare answers, the ORZ
   * reward, extraction from math mode), once each, cold: the worst check of each family.
   */
  public static List<FamilyCost> adversarial() {
    Cas.initialize();
    VerifyOptions options = VerifyOptions.DEFAULTS;
    Map<String, FamilyCost> costs = new LinkedHashMap<>();
    for (AdversarialCorpus.Pair pair : AdversarialCorpus.pairs()) {
      List<Supplier<Verdict>> checks =
          List.of(
              () -> MathVerifier.verifyAnswers(pair.gold(), pair.pred(), options),
              () ->
                  OrzReward.judge(
                      "<answer>\\boxed{" + pair.pred() + "}</answer>", pair.gold(), true, options),
              () ->
                  MathVerifier.verify(
                      "$" + pair.gold() + "$",
                      "$" + pair.pred() + "$",
                      ExtractionConfig.DEFAULTS,
                      options));
      for (Supplier<Verdict> check : checks) {
        Stopwatch clock = Stopwatch.start();
        Verdict verdict = check.get();
        double millis = clock.nanos() / 1e6;
        FamilyCost one =
            new FamilyCost(
                pair.family(),
                1,
                millis,
                Verdict.TOO_LARGE.equals(verdict.reason()) ? 1 : 0,
                Verdict.TIMEOUT.equals(verdict.reason()) ? 1 : 0);
        costs.merge(
            pair.family(),
            one,
            (a, b) ->
                new FamilyCost(
                    a.family(),
                    a.checks() + b.checks(),
                    Math.max(a.worstMillis(), b.worstMillis()),
                    a.tooLarge() + b.tooLarge(),
                    a.timeouts() + b.timeouts()));
      }
    }
    return List.copyOf(costs.values());
  }

  public static List<Figures> run(Path math500, Path cases, double seconds) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<String> answers = new ArrayList<>();
    mapper.readTree(math500.toFile()).forEach(p -> answers.add(p.get("final_answer").asText()));
    VerifyOptions options = VerifyOptions.DEFAULTS;
    Cas.initialize();

    List<BooleanSupplier> equalFast = new ArrayList<>();
    List<BooleanSupplier> equalCas = new ArrayList<>();
    List<BooleanSupplier> unequal = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      String gold = answers.get(i);
      String response = "<think>...</think> <answer>\\boxed{" + rewritten(gold) + "}</answer>";
      equalFast.add(() -> OrzReward.judge(response, gold, true, options).equal());
      String symbolic = "<answer>\\boxed{" + twiceMinusOnce(gold) + "}</answer>";
      BooleanSupplier casCheck = () -> OrzReward.judge(symbolic, gold, true, options).equal();
      long before = Cas.checks();
      if (casCheck.getAsBoolean() && Cas.checks() > before) {
        equalCas.add(casCheck);
      }
      String other =
          "<think>...</think> <answer>\\boxed{"
              + answers.get((i + 1) % answers.size())
              + "}</answer>";
      unequal.add(() -> OrzReward.judge(other, gold, true, options).equal());
    }
    List<BooleanSupplier> corpus = new ArrayList<>();
    for (String line : Files.readAllLines(cases)) {
      JsonNode c = mapper.readTree(line);
      List<String> types = new ArrayList<>();
      c.path("match_types").forEach(t -> types.add(t.asText()));
      ExtractionConfig extraction =
          new ExtractionConfig(
              types.contains("latex"),
              types.contains("expr"),
              !"parse_verify_defaults".equals(c.path("helper").asText()));
      VerifyOptions caseOptions =
          options
              .withPrecision(c.path("precision").asInt(6))
              .withStrict(c.path("strict").asBoolean(true))
              .withAllowSetRelationComp(c.path("allow_set_relation_comp").asBoolean(false));
      String gold = c.get("gold").asText();
      String pred = c.get("pred").asText();
      corpus.add(() -> MathVerifier.verify(gold, pred, extraction, caseOptions).equal());
    }
    return List.of(
        measure("math500 equal, fast", equalFast, seconds),
        measure("math500 equal, CAS", equalCas, seconds),
        measure("math500 unequal", unequal, seconds),
        measure("math-verify corpus", corpus, seconds));
  }

  /**
   * A differently written but equal form: {@code \frac} as {@code \dfrac}, thin spaces after
   * commas, or else the answer wrapped in a brace group.
   */
  static String rewritten(String answer) {
    String r = answer.replace("\\frac", "\\dfrac").replace(", ", ",\\, ");
    return r.equals(answer) ? "{" + answer + "}" : r;
  }

  /**
   * {@code 2(a) - (a)}: equal to {@code a}, and for answers that are not plain rationals (radicals,
   * pi, variables) only the CAS can show it, so these pairs measure the symbolic path.
   */
  static String twiceMinusOnce(String answer) {
    return "2\\left(" + answer + "\\right)-\\left(" + answer + "\\right)";
  }

  private static Figures measure(String set, List<BooleanSupplier> checks, double seconds) {
    if (checks.isEmpty()) {
      return new Figures(set, 0, 0, 0, 0, 0, 0, 0);
    }
    int equal = 0;
    for (BooleanSupplier check : checks) {
      equal += check.getAsBoolean() ? 1 : 0;
    }
    // Warm-up, so that the measured part runs JIT-compiled code.
    Deadline warmUp = Deadline.in(Duration.ofMillis((long) (Math.min(1.0, seconds / 2) * 1000)));
    while (!warmUp.passed()) {
      checks.forEach(BooleanSupplier::getAsBoolean);
    }
    long[] latencies = new long[1 << 20];
    int n = 0;
    long budget = (long) (seconds * 1e9);
    long cpuStart = processCpuNanos();
    Stopwatch clock = Stopwatch.start();
    while (clock.nanos() < budget && n < latencies.length) {
      for (BooleanSupplier check : checks) {
        Stopwatch latency = Stopwatch.start();
        check.getAsBoolean();
        latencies[n++] = latency.nanos();
        if (n == latencies.length) {
          break;
        }
      }
    }
    double elapsed = clock.seconds();
    double cpu = (processCpuNanos() - cpuStart) / 1e9;
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    return new Figures(
        set,
        checks.size(),
        n,
        n / elapsed,
        n / cpu,
        sorted[n / 2] / 1e3,
        sorted[(int) (n * 0.99)] / 1e3,
        equal);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
