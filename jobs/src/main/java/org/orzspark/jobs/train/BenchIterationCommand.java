package org.orzspark.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.io.StoreCosts;
import org.orzspark.jobs.SynthCommand;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.RunConfig;
import org.orzspark.stages.Iteration;
import org.orzspark.stages.RunInitializer;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz bench iteration}: one iteration of a fresh run in this application, with the time of
 * each stage, the tasks' run time and model compute time per stage (a Spark listener), the fixed
 * cost per iteration, idle slots and the orchestration share ({@link IterationBreakdown}), the
 * all-reduce time per optimizer step, and the run store's own costs ({@link StoreCosts}).
 *
 * <p>The timed iteration must pay what an {@code orz iterate} pays, its first Spark job's warm-up
 * included: run through the launcher, the bench therefore makes the prompts and initialises the run
 * in another application ({@code orz bench iteration --prepare-run}) before it starts its own
 * SparkSession, which then runs nothing before the iteration.
 */
@Command(
    name = "iteration",
    mixinStandardHelpOptions = true,
    description = {
      "Time one iteration: stages, model compute, fixed cost per iteration, idle slots,"
          + " orchestration share, all-reduce per step.",
      "The prompts are made and the run initialised by a separate application first, so that the"
          + " timed iteration starts cold in its own, like one spark-submit of 'orz iterate'."
    })
public final class BenchIterationCommand implements Callable<Integer> {
  private static final List<String> STAGES =
      List.of("sample", "rollout", "score", "experience", "update", "metrics");

  @Option(
      names = "--base",
      defaultValue = "${env:ORZ_HOME:-.}/" + DemoCommand.SHIPPED_BASE,
      description =
          "Base model folder, e.g. made by 'orz pretrain-base' (default: the tiny base the"
              + " repository ships, ${DEFAULT-VALUE}).")
  Path base;

  @Option(
      names = "--prompts",
      description =
          "Prompt set (Parquet, prompt schema); without it the demo's synthetic families are generated (default: none).")
  String prompts;

  @Option(
      names = "--synth-prompts",
      defaultValue = "512",
      description =
          "Synthetic prompts to generate when --prompts is not given (default: ${DEFAULT-VALUE}).")
  int synthPrompts;

  @Option(
      names = "--run-dir",
      description =
          "Where the benchmark's run is made and kept; it must not exist (default: a temporary folder, deleted afterwards).")
  Path runDir;

  @Option(
      names = "--iterations",
      defaultValue = "1",
      description =
          "Iterations to run; the figures are the last one's, so 2 leaves first-use class loading"
              + " and JIT warm-up to the first (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--prepare-run",
      hidden = true,
      description =
          "Only make the prompts and initialise the run in --run-dir, then exit: the bench runs"
              + " this in another application.")
  boolean prepareOnly;

  @Mixin RunConfigOptions configuration = RunConfigOptions.withProfile("tiny-cpu");

  /** What one benchmark measured. */
  public record Result(
      Map<String, Double> stageSeconds,
      Map<String, TaskTimeListener.GroupTime> tasks,
      IterationBreakdown breakdown,
      IterationBreakdown.Overheads overheads,
      double applicationStartSeconds,
      double allReduceSecondsPerStep,
      double allReduceWaitSecondsPerStep,
      long allReduceSteps,
      Map<String, Double> storeCostMillis,
      Map<String, Double> metrics) {}

  @Override
  public Integer call() throws Exception {
    Path root =
        runDir != null
            ? runDir.toAbsolutePath().getParent()
            : Files.createTempDirectory("orz-bench-iteration");
    Path run = runDir != null ? runDir.toAbsolutePath() : root.resolve("run");
    try {
      Path synth = run.resolveSibling(run.getFileName() + "-prompts");
      // Settings and base model are checked before Spark starts and prompts are synthesized.
      RunConfig config = configuration.resolve(base, prompts != null ? prompts : synth.toString());
      if (!Files.exists(base.resolve("config.json"))) {
        throw new IllegalArgumentException(
            "no base model in "
                + base
                + ": make one with 'orz pretrain-base --output "
                + base
                + "' (or 'orz demo'), or pass --base");
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
      }
      if (prepareOnly) {
        prepare(
            SparkSession.builder().appName("orz bench iteration: prepare").getOrCreate(),
            run,
            synth,
            config);
        return 0;
      }
      // Without the launcher (no ORZ_HOME) the run is prepared here, and the timed iteration's
      // first Spark job is warm: the header line says so.
      boolean preparedApart = System.getenv("ORZ_HOME") != null;
      Stopwatch preparing = Stopwatch.start();
      if (preparedApart) {
        int status =
            new ProcessBuilder(prepareCommand(TrainCommand.launcher(), run))
                .inheritIO()
                .start()
                .waitFor();
        if (status != 0) {
          throw new IllegalStateException(
              "preparing the benchmark's run failed (exit status " + status + ")");
        }
      }
      double prepareSeconds = preparedApart ? preparing.seconds() : 0;
      SparkSession spark = SparkSession.builder().appName("orz bench iteration").getOrCreate();
      // This JVM waited for the preparing application: that is no part of its start.
      double applicationStart =
          (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3
              - prepareSeconds;
      if (!preparedApart) {
        prepare(spark, run, synth, config);
      }
      Result result =
          measure(
              spark,
              run,
              config.profile(),
              iterations,
              applicationStart,
              preparedApart,
              System.out);
      Files.writeString(
          run.resolve("bench-iteration.json"),
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
      return 0;
    } finally {
      if (runDir == null) {
        deleteTree(root);
      }
    }
  }

  /**
   * The command line, through {@code launcher}, that makes this benchmark's prompts and initialises
   * its run in {@code run}, in another application, with this command's settings and spark-submit
   * options.
   */
  List<String> prepareCommand(Path launcher, Path run) {
    List<String> command =
        new ArrayList<>(
            List.of(
                launcher.toString(),
                "bench",
                "iteration",
                "--prepare-run",
                "--run-dir",
                run.toString(),
                "--base",
                base.toString(),
                "--synth-prompts",
                Integer.toString(synthPrompts)));
    if (prompts != null) {
      command.addAll(List.of("--prompts", prompts));
    }
    if (configuration.profile != null) {
      command.addAll(List.of("--profile", configuration.profile));
    }
    if (configuration.seed != null) {
      command.addAll(List.of("--seed", Long.toString(configuration.seed)));
    }
    configuration.overrides.forEach(
        (key, value) -> command.addAll(List.of("--set", key + "=" + value)));
    List<String> sparkArgs = TrainCommand.sparkSubmitArgs();
    if (!sparkArgs.isEmpty()) {
      command.add("--");
      command.addAll(sparkArgs);
    }
    return command;
  }

  /** Makes the synthetic prompts in {@code synth} (when no --prompts) and initialises the run. */
  private void prepare(SparkSession spark, Path run, Path synth, RunConfig config)
      throws IOException {
    if (prompts == null) {
      long seed = configuration.seed != null ? configuration.seed : 42;
      SynthCommand.run(
          spark,
          Arrays.asList(DemoCommand.FAMILIES.split(",")),
          synthPrompts,
          seed,
          1,
          2,
          synth.toString(),
          true);
    }
    RunInitializer.init(spark, run.toString(), config);
  }

  /**
   * Initialises a run of {@code config} in {@code run}, runs {@code iterations} iterations and
   * times the last one.
   */
  Result run(
      SparkSession spark,
      Path run,
      RunConfig config,
      int iterations,
      double applicationStart,
      PrintStream out)
      throws IOException {
    RunInitializer.init(spark, run.toString(), config);
    return measure(spark, run, config.profile(), iterations, applicationStart, false, out);
  }

  /**
   * Runs {@code iterations} iterations of the initialised run in {@code run} and times the last
   * one; {@code preparedApart}: this application ran no Spark job before them.
   */
  private Result measure(
      SparkSession spark,
      Path run,
      String profile,
      int iterations,
      double applicationStart,
      boolean preparedApart,
      PrintStream out)
      throws IOException {
    for (int warmup = 1; warmup < iterations; warmup++) {
      Iteration.run(spark, run.toString(), warmup, out);
    }
    // The timed iteration starts as a new `orz iterate` application does: it hashes the checkpoint
    // it starts from, which this application wrote.
    CheckpointStore.forgetCommitted();
    TaskTimeListener listener = new TaskTimeListener();
    spark.sparkContext().addSparkListener(listener);
    Iteration.Outcome outcome;
    StoreCosts.Snapshot storeBefore = StoreCosts.snapshot();
    Stopwatch clock = Stopwatch.start();
    try {
      outcome = Iteration.run(spark, run.toString(), iterations, out);
    } finally {
      try {
        // task-end events arrive asynchronously: count them all
        spark.sparkContext().listenerBus().waitUntilEmpty();
      } catch (TimeoutException e) {
        throw new IllegalStateException("Spark's listener bus did not drain", e);
      }
      spark.sparkContext().removeSparkListener(listener);
    }
    double wall = clock.seconds();
    StoreCosts.Snapshot store = StoreCosts.snapshot().minus(storeBefore);
    Map<String, Double> storeCostMillis = new LinkedHashMap<>();
    for (StoreCosts.Kind kind : StoreCosts.Kind.values()) {
      storeCostMillis.put(kind.name().toLowerCase(Locale.ROOT), store.millis(kind));
    }
    storeCostMillis.put("total", store.totalMillis());
    Map<String, Double> metrics = outcome.metrics();
    Map<String, TaskTimeListener.GroupTime> tasks = new LinkedHashMap<>();
    listener
        .byGroup()
        .forEach(
            (group, time) ->
                tasks.merge(
                    group.substring(group.lastIndexOf('-') + 1),
                    time,
                    TaskTimeListener.GroupTime::plus));
    Map<String, Double> stageSeconds = new LinkedHashMap<>();
    double staged = 0;
    for (String stage : STAGES.subList(0, STAGES.size() - 1)) {
      double seconds = metrics.getOrDefault(IterationMetrics.stageSeconds(stage).name(), 0.0);
      stageSeconds.put(stage, seconds);
      staged += seconds;
    }
    stageSeconds.put("metrics", Math.max(0, wall - staged));
    TaskTimeListener.GroupTime all =
        tasks.values().stream()
            .reduce(TaskTimeListener.GroupTime.NONE, TaskTimeListener.GroupTime::plus);
    int slots = Math.max(1, spark.sparkContext().defaultParallelism());
    IterationBreakdown breakdown =
        new IterationBreakdown(
            Math.max(0, applicationStart),
            wall,
            slots,
            listener.stageSpanSeconds(),
            all.slotSeconds(),
            all.computeSeconds());
    Result result =
        new Result(
            stageSeconds,
            tasks,
            breakdown,
            breakdown.overheads(),
            applicationStart,
            metrics.getOrDefault(IterationMetrics.ALLREDUCE_SECONDS_PER_STEP.name(), Double.NaN),
            metrics.getOrDefault(
                IterationMetrics.ALLREDUCE_WAIT_SECONDS_PER_STEP.name(), Double.NaN),
            Math.round(metrics.getOrDefault(IterationMetrics.ALLREDUCE_CALLS.name(), 0.0)),
            storeCostMillis,
            metrics);
    print(result, profile, spark.sparkContext().master(), preparedApart, out);
    return result;
  }

  private static void print(
      Result r, String profile, String master, boolean preparedApart, PrintStream out) {
    IterationBreakdown b = r.breakdown();
    IterationBreakdown.Overheads o = r.overheads();
    long iteration = Math.round(r.metrics().getOrDefault(IterationMetrics.ITERATION, 1.0));
    out.printf(
        "%nbench iteration: profile %s on %s, %d task slots, figures of iteration %d%s%n",
        profile,
        master,
        b.slots(),
        iteration,
        iteration > 1
            ? " (the earlier ones warmed up the JVM)"
            : preparedApart
                ? " (cold: the application's first Spark jobs, as in one orz iterate)"
                : " (the run's init ran in this application before it: Spark was warm)");
    out.printf("%-11s %8s %6s %10s %10s%n", "stage", "wall_s", "tasks", "task_s", "model_s");
    for (String stage : STAGES) {
      TaskTimeListener.GroupTime t = r.tasks().getOrDefault(stage, TaskTimeListener.GroupTime.NONE);
      out.printf(
          "%-11s %8.2f %6d %10.2f %10.2f%n",
          stage, r.stageSeconds().get(stage), t.tasks(), t.runSeconds(), t.computeSeconds());
    }
    out.printf(
        "iteration wall time %.2f s; tasks held %.2f slot-s of %.2f (executor run time %.2f);"
            + " model compute %.2f s (%.1f%% of slot time)%n",
        b.wallSeconds(),
        b.taskSeconds(),
        b.wallSeconds() * b.slots(),
        r.tasks().values().stream().mapToDouble(TaskTimeListener.GroupTime::runSeconds).sum(),
        b.computeSeconds(),
        100 * b.computeShare());
    out.printf(
        "wall time not covered by tasks: %.2f s = %.1f%% of the iteration (no stage running %.2f s,"
            + " idle slots %.2f s per slot)%n",
        o.uncoveredSeconds(),
        100 * o.uncoveredSeconds() / b.wallSeconds(),
        o.driverGapSeconds(),
        o.idleSlotSeconds() / b.slots());
    out.printf(
        "application start (JVM launch to SparkSession ready): %.2f s, paid once per spark-submit: "
            + "%.1f%% of start + iteration%n",
        r.applicationStartSeconds(),
        100 * r.applicationStartSeconds() / (r.applicationStartSeconds() + b.wallSeconds()));
    out.printf(
        "fixed cost per iteration %.1f s (start %.1f s, driver gaps %.1f s, in-task %.1f s;"
            + " goal <= 3 s)%n",
        o.fixedCostSeconds(), b.applicationStartSeconds(), o.driverGapSeconds(), o.inTaskSeconds());
    out.printf(
        "idle slots %.0f%% (%.1f of %.1f slot-s: inside running stages, no task used them)%n",
        100 * o.idleSlotShare(), o.idleSlotSeconds(), b.wallSeconds() * b.slots());
    out.printf(
        "orchestration share %.0f%% (fixed cost over start + wall time, idle slots excluded;"
            + " goal <= 5%% at 128 x 64)%n",
        100 * o.orchestrationShare());
    out.printf(
        "all-reduce: %.4f s per optimizer step (%d steps): %.4f s transfer, %.4f s waiting "
            + "for the other replicas%n",
        r.allReduceSecondsPerStep(),
        r.allReduceSteps(),
        r.allReduceSecondsPerStep() - r.allReduceWaitSecondsPerStep(),
        r.allReduceWaitSecondsPerStep());
    Map<String, Double> store = r.storeCostMillis();
    out.printf(
        "store cost per iteration %.0f ms (lock %.0f, markers %.0f, cache %.0f, records %.0f;"
            + " goal <= 100 ms)%n",
        store.get("total"),
        store.get("lock"),
        store.get("markers"),
        store.get("cache"),
        store.get("records"));
    out.printf(
        "optimizer: %,d bytes of Adam moments per update replica (policy + critic; %s)%n",
        Math.round(r.metrics().getOrDefault(IterationMetrics.OPTIMIZER_BYTES.name(), 0.0)),
        "update.sharding keeps 1/K of them on each of K replicas");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
