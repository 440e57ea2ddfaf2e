package org.orzspark.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * each stage, the tasks' run time and model compute time per stage (a Spark listener), Spark
 * orchestration overhead as a share of the wall time ({@link IterationBreakdown}), the all-reduce
 * time per optimizer step, and the run store's own costs ({@link StoreCosts}).
 */
@Command(
    name = "iteration",
    mixinStandardHelpOptions = true,
    description =
        "Time one iteration: stages, model compute, Spark orchestration overhead, all-reduce per step.")
public final class BenchIterationCommand implements Callable<Integer> {
  private static final List<String> STAGES =
      List.of("sample", "rollout", "score", "experience", "update", "metrics");

  @Option(
      names = "--base",
      defaultValue = "models/tiny-base",
      description =
          "Base model folder, e.g. made by 'orz pretrain-base' or 'orz demo' (default: ${DEFAULT-VALUE}).")
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

  @Mixin RunConfigOptions configuration = RunConfigOptions.withProfile("tiny-cpu");

  /** What one benchmark measured. */
  public record Result(
      Map<String, Double> stageSeconds,
      Map<String, TaskTimeListener.GroupTime> tasks,
      IterationBreakdown breakdown,
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
      SparkSession spark = SparkSession.builder().appName("orz bench iteration").getOrCreate();
      double applicationStart =
          (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
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
      if (iterations < 1) {
        throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
      }
      Result result = run(spark, run, config, iterations, applicationStart, System.out);
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
            .reduce(new TaskTimeListener.GroupTime(0, 0, 0), TaskTimeListener.GroupTime::plus);
    int slots = Math.max(1, spark.sparkContext().defaultParallelism());
    IterationBreakdown breakdown =
        new IterationBreakdown(wall, slots, all.runSeconds(), all.computeSeconds());
    Result result =
        new Result(
            stageSeconds,
            tasks,
            breakdown,
            applicationStart,
            metrics.getOrDefault(IterationMetrics.ALLREDUCE_SECONDS_PER_STEP.name(), Double.NaN),
            metrics.getOrDefault(
                IterationMetrics.ALLREDUCE_WAIT_SECONDS_PER_STEP.name(), Double.NaN),
            Math.round(metrics.getOrDefault(IterationMetrics.ALLREDUCE_CALLS.name(), 0.0)),
            storeCostMillis,
            metrics);
    print(result, config.profile(), spark.sparkContext().master(), out);
    return result;
  }

  private static void print(Result r, String profile, String master, PrintStream out) {
    IterationBreakdown b = r.breakdown();
    long iteration = Math.round(r.metrics().getOrDefault(IterationMetrics.ITERATION, 1.0));
    out.printf(
        "%nbench iteration: profile %s on %s, %d task slots, figures of iteration %d%s%n",
        profile,
        master,
        b.slots(),
        iteration,
        iteration > 1 ? " (the earlier ones warmed up the JVM)" : "");
    out.printf("%-11s %8s %6s %10s %10s%n", "stage", "wall_s", "tasks", "task_s", "model_s");
    for (String stage : STAGES) {
      TaskTimeListener.GroupTime t =
          r.tasks().getOrDefault(stage, new TaskTimeListener.GroupTime(0, 0, 0));
      out.printf(
          "%-11s %8.2f %6d %10.2f %10.2f%n",
          stage, r.stageSeconds().get(stage), t.tasks(), t.runSeconds(), t.computeSeconds());
    }
    out.printf(
        "iteration wall time %.2f s; tasks ran %.2f slot-s of %.2f; model compute %.2f s (%.1f%% of slot time)%n",
        b.wallSeconds(),
        b.taskSeconds(),
        b.wallSeconds() * b.slots(),
        b.computeSeconds(),
        100 * b.computeShare());
    out.printf(
        "Spark orchestration overhead: %.2f s = %.1f%% of the iteration's wall time (goal <= 5%%)%n",
        b.orchestrationSeconds(), 100 * b.orchestrationShare());
    out.printf(
        "application start (JVM launch to SparkSession ready): %.2f s, paid once per spark-submit: "
            + "%.1f%% of start + iteration%n",
        r.applicationStartSeconds(),
        100 * r.applicationStartSeconds() / (r.applicationStartSeconds() + b.wallSeconds()));
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
