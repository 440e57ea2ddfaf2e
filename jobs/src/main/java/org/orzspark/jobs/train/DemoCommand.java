package org.orzspark.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.EvalTable;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz demo}: the whole system end to end on embedded defaults, each step its own application
 * through the launcher, as a user would type them: copy the shipped tiny base model if absent (or
 * make it with {@code pretrain-base}), synthetic training and disjoint held-out prompts ({@code
 * synth}, {@code prepare}), {@code init} with the tiny-cpu profile, {@code train} K iterations,
 * evaluate base and final policy on the held-out prompts, write the report ({@code analyze}).
 * Re-running continues: finished steps are skipped. A run with no trained iteration ({@code
 * --iterations 0}) evaluates the base model only and says so: there are no rollouts to report on.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "End to end on embedded defaults: base model, synthetic prompts, K iterations, evaluation, report.")
public final class DemoCommand implements Callable<Integer> {
  static final String FAMILIES = "arithmetic,linear,comparison";

  /** The base model the repository ships, relative to the checkout. */
  static final String SHIPPED_BASE = "datasets/data/models/tiny-base";

  private static final int RETRIES = 2;

  @Option(
      names = "--run-dir",
      defaultValue = "runs/demo",
      description =
          "The run; its data/ holds the synthetic training and held-out prompts (default: ${DEFAULT-VALUE}).")
  Path run;

  @Option(
      names = "--iterations",
      defaultValue = "60",
      description = "Training iterations the run is brought to (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--base",
      defaultValue = "models/tiny-base",
      description =
          "Base model folder; when absent, a copy of --shipped-base, or made with 'orz"
              + " pretrain-base' with --make-base (default: ${DEFAULT-VALUE}).")
  Path base;

  @Option(
      names = "--shipped-base",
      defaultValue = "${env:ORZ_HOME:-.}/" + SHIPPED_BASE,
      description =
          "The tiny base model the repository ships: what 'orz pretrain-base' makes with its"
              + " defaults on 2 threads (default: ${DEFAULT-VALUE}).")
  Path shippedBase;

  @Option(
      names = "--make-base",
      description =
          "Make an absent --base with 'orz pretrain-base' on every core (~15 min on 2 cores)"
              + " instead of copying the shipped one.")
  boolean makeBase;

  @Option(
      names = "--profile",
      defaultValue = "tiny-cpu",
      description =
          "Run profile: a packed profile's name or a properties file (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--prompts",
      defaultValue = "4000",
      description = "Training prompts (default: ${DEFAULT-VALUE}).")
  int prompts;

  @Option(
      names = "--held-out",
      defaultValue = "500",
      description =
          "Held-out prompts; 500 put one avg@4 figure within about +-2 points (default: ${DEFAULT-VALUE}).")
  int heldOut;

  @Option(
      names = "--eval-samples",
      defaultValue = "4",
      description = "Samples per held-out prompt in the evaluation (default: ${DEFAULT-VALUE}).")
  int evalSamples;

  @Option(
      names = "--eval-every",
      defaultValue = "20",
      description =
          "Evaluate the held-out prompts after every K-th iteration too, for the report's"
              + " accuracy curve; 0 evaluates only the base and the final policy (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of data and run (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Stopwatch demo = Stopwatch.start();
    Path data = run.resolve("data");
    if (!Files.exists(base.resolve("config.json")) && !makeBase) {
      System.out.printf("== demo: the shipped tiny base model (%s -> %s)%n", shippedBase, base);
      copyShippedBase(shippedBase, base);
    }
    if (!Files.exists(base.resolve("config.json"))) {
      step(
          "making the tiny base model",
          "pretrain-base",
          "--output",
          base.toString(),
          "--seed",
          Long.toString(seed),
          // One process with the machine to itself: every core, where the Spark tasks of an
          // iteration take one each (the launcher's OMP_NUM_THREADS=1).
          "--threads",
          Integer.toString(Runtime.getRuntime().availableProcessors()),
          // Its own held-out check only prints figures the demo measures again on 500 prompts;
          // the training corpus does not depend on it.
          "--held-out-problems",
          "100");
    }
    Path synth = data.resolve("synth");
    Path trainPrompts = data.resolve("prompts");
    Path heldOutPrompts = data.resolve("held-out");
    if (!complete(trainPrompts)) {
      synth("synthetic training prompts", prompts, seed, synth);
      step(
          "validating them",
          "prepare",
          "--input",
          synth.toString(),
          "--output",
          trainPrompts.toString(),
          "--overwrite");
    }
    if (!complete(heldOutPrompts)) {
      synth(
          "disjoint held-out prompts",
          heldOut,
          seed + 1,
          heldOutPrompts,
          "--exclude",
          trainPrompts.toString());
    }
    RunStore store = RunStore.open(run.toString());
    RunLayout layout = store.layout();
    if (!store.exists(layout.runJson())) {
      step(
          "creating the run",
          "init",
          "--run-dir",
          run.toString(),
          "--base",
          base.toString(),
          "--prompts",
          trainPrompts.toString(),
          "--profile",
          profile,
          "--seed",
          Long.toString(seed));
    }
    evaluate(store, 0, heldOutPrompts);
    int done = latest(store);
    for (int i = done + 1; i <= iterations; i++) {
      System.out.printf("== demo: iteration %d of %d%n", i, iterations);
      int status =
          TrainCommand.iterateOnce(run.toString(), shortLivedJvm(TrainCommand.sparkSubmitArgs()));
      // An iteration that failed (a crashed application, or a refused non-finite update, exit 3)
      // is resumable: running it again skips its completed stages and redraws nothing.
      for (int retry = 1; status != 0 && retry <= RETRIES; retry++) {
        System.out.printf(
            "== demo: iteration %d failed (exit %d); running it again (%d of %d)%n",
            i, status, retry, RETRIES);
        status =
            TrainCommand.iterateOnce(run.toString(), shortLivedJvm(TrainCommand.sparkSubmitArgs()));
      }
      if (status != 0) {
        throw new IllegalStateException("iteration " + i + " failed (exit " + status + ")");
      }
      if (evalEvery > 0 && i % evalEvery == 0 && i < iterations) {
        evaluate(store, i, heldOutPrompts);
      }
    }
    int last = latest(store);
    if (last > 0) {
      evaluate(store, last, heldOutPrompts);
    }
    JsonNode base = new ObjectMapper().readTree(store.read(evalResult(layout, 0)));
    if (last == 0) {
      System.out.println(summary(base, null, 0, demo.seconds() / 60, null));
      return 0;
    }
    step("writing the report", "analyze", "--run-dir", run.toString());
    JsonNode trained = new ObjectMapper().readTree(store.read(evalResult(layout, last)));
    System.out.println(
        summary(
            base,
            trained,
            last,
            demo.seconds() / 60,
            new org.apache.hadoop.fs.Path(layout.reports(), "index.html")));
    return 0;
  }

  /** {@code orz evaluate} of {@code checkpoint} on the held-out prompts, unless already done. */
  private void evaluate(RunStore store, int checkpoint, Path heldOutPrompts)
      throws IOException, InterruptedException {
    if (store.exists(evalResult(store.layout(), checkpoint))) {
      return;
    }
    step(
        "evaluating checkpoint " + checkpoint + " on the held-out prompts",
        "evaluate",
        "--run-dir",
        run.toString(),
        "--checkpoint",
        Integer.toString(checkpoint),
        "--eval",
        heldOutPrompts.toString(),
        "--samples",
        Integer.toString(evalSamples));
  }

  /**
   * The demo's last line: held-out accuracy and format rate of the base model, and of {@code
   * trained} (checkpoint {@code last}) with the report when an iteration was trained; else that
   * there was nothing to train, so no report.
   */
  static String summary(
      JsonNode base, JsonNode trained, int last, double minutes, org.apache.hadoop.fs.Path report) {
    if (trained == null) {
      return String.format(
          "demo: held-out accuracy %.1f%% (base), format %.0f%%, wall %.1f min; no iteration"
              + " trained (--iterations 0), so no report",
          percent(base, EvalTable.AVG_AT_K), percent(base, EvalTable.FORMAT_RATE), minutes);
    }
    long k = Math.round(trained.path("samples").asDouble());
    return String.format(
        "demo: held-out accuracy %.1f%% (base) -> %.1f%% (iteration %d, %+.1f points),"
            + " pass@%d %.1f%% -> %.1f%%, maj@%d %.1f%% -> %.1f%%, format %.0f%% -> %.0f%%,"
            + " wall %.1f min; report %s",
        percent(base, EvalTable.AVG_AT_K),
        percent(trained, EvalTable.AVG_AT_K),
        last,
        percent(trained, EvalTable.AVG_AT_K) - percent(base, EvalTable.AVG_AT_K),
        k,
        percent(base, EvalTable.PASS_AT_K),
        percent(trained, EvalTable.PASS_AT_K),
        k,
        percent(base, EvalTable.MAJ_AT_K),
        percent(trained, EvalTable.MAJ_AT_K),
        percent(base, EvalTable.FORMAT_RATE),
        percent(trained, EvalTable.FORMAT_RATE),
        minutes,
        report);
  }

  private static double percent(JsonNode result, String column) {
    return 100 * result.path(column).asDouble();
  }

  /** The result summary {@code orz evaluate} leaves beside a benchmark's Parquet row. */
  static org.apache.hadoop.fs.Path evalResult(RunLayout layout, int checkpoint) {
    return new org.apache.hadoop.fs.Path(
        new org.apache.hadoop.fs.Path(
            layout.eval(checkpoint), EvalTable.benchmarkFolder("held-out")),
        EvaluateCommand.RESULT_FILE);
  }

  private static int latest(RunStore store) throws IOException {
    return new CheckpointStore(store)
        .latestComplete()
        .map(CheckpointStore.Verdict::iteration)
        .orElse(0);
  }

  /** Whether {@code folder} is a complete output: its marker is there and its files match it. */
  private static boolean complete(Path folder) throws IOException {
    return AtomicOutput.isComplete(RunStore.hadoopConf(), folder.toString());
  }

  /** {@code orz synth} of the demo's families into {@code output}; {@code extra} options added. */
  private static void synth(String what, int count, long seed, Path output, String... extra)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "synth",
                "--families",
                FAMILIES,
                "--difficulty",
                "1-2",
                "--count",
                Integer.toString(count),
                "--seed",
                Long.toString(seed),
                "--output",
                output.toString(),
                "--overwrite"));
    args.addAll(List.of(extra));
    step(what, args.toArray(String[]::new));
  }

  /**
   * Copies the shipped base model folder {@code shipped} (complete: it has its {@code _SUCCESS}) to
   * {@code base}, atomically: a temp sibling renamed into place and marked, so an interrupted copy
   * is never taken for a model.
   */
  static void copyShippedBase(Path shipped, Path base) throws IOException {
    if (!Files.isRegularFile(shipped.resolve(AtomicOutput.SUCCESS))) {
      throw new IllegalArgumentException(
          "no complete base model in "
              + shipped
              + " (no "
              + AtomicOutput.SUCCESS
              + "); give --shipped-base, or --make-base to pre-train one");
    }
    Configuration conf = new Configuration();
    try (AtomicOutput out = AtomicOutput.begin(conf, base.toAbsolutePath().toString(), true)) {
      Path temp = Path.of(new org.apache.hadoop.fs.Path(out.temp()).toUri());
      try (Stream<Path> files = Files.list(shipped)) {
        for (Path file : files.toList()) {
          if (Files.isRegularFile(file)
              && !file.getFileName().toString().equals(AtomicOutput.SUCCESS)) {
            Files.copy(file, temp.resolve(file.getFileName()));
          }
        }
      }
      out.commit();
    }
  }

  /**
   * The spark-submit options of the demo's Spark applications: the user's, plus C1-only JIT
   * compilation for the driver unless the user chose its Java options. Each application lives
   * seconds on 2 cores, where C2's compiler threads compete with the model for the cores and its
   * code arrives too late to pay back: one demo iteration took 14–16 s instead of 25 s as a process
   * (the fault suite's child JVMs run C1-only for the same reason).
   */
  static List<String> shortLivedJvm(List<String> sparkArgs) {
    if (sparkArgs.stream().anyMatch(a -> a.startsWith("--driver-java-options"))) {
      return sparkArgs;
    }
    List<String> args = new ArrayList<>(sparkArgs);
    args.addAll(List.of("--driver-java-options", "-XX:TieredStopAtLevel=1"));
    return args;
  }

  /** Runs {@code orz <args>} through the launcher; a failure ends the demo with its message. */
  private static void step(String what, String... args) throws IOException, InterruptedException {
    System.out.printf("== demo: %s (orz %s)%n", what, String.join(" ", args));
    List<String> command = new ArrayList<>();
    command.add(TrainCommand.launcher().toString());
    command.addAll(List.of(args));
    // pre-training is one process of minutes, long enough for C2 to pay back
    List<String> sparkArgs =
        args[0].equals("pretrain-base")
            ? TrainCommand.sparkSubmitArgs()
            : shortLivedJvm(TrainCommand.sparkSubmitArgs());
    if (!sparkArgs.isEmpty()) {
      command.add("--");
      command.addAll(sparkArgs);
    }
    int status = new ProcessBuilder(command).inheritIO().start().waitFor();
    if (status != 0) {
      throw new IllegalStateException("orz " + args[0] + " failed (exit " + status + ")");
    }
  }
}
