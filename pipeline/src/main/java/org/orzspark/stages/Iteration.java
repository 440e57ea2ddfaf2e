package org.orzspark.stages;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.run.CheckpointState;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.PromptSampler;
import org.orzspark.run.Provenance;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunLeftovers;
import org.orzspark.run.RunLock;
import org.orzspark.run.RunSettings;
import org.orzspark.run.RunStore;
import org.orzspark.timing.Stopwatch;

/**
 * One training iteration, as the paper's recipe reads: sample → rollout → score → experience →
 * update (checkpoint) → metrics. It starts after the latest complete checkpoint and skips every
 * stage whose output is already complete, so an application killed at any point finishes the same
 * iteration with the same rows when run again.
 */
public final class Iteration {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Iteration() {}

  /** What {@link #run} did: the iteration it completed and its metrics. */
  public record Outcome(int iteration, Map<String, Double> metrics, boolean onlyMetrics) {}

  /** The update refused a non-finite step: the previous checkpoint stays the latest. */
  public static final class UpdateRefusedException extends RuntimeException {
    public UpdateRefusedException(String message) {
      super(message);
    }
  }

  /**
   * Runs the next iteration of the run in {@code runDir} (a local path or a Hadoop URI), called
   * from code rather than a command line: its stage records name {@code Iteration.run} as the
   * command.
   *
   * @param requested the iteration the caller expects to run, or null for "the next one"
   */
  public static Outcome run(
      SparkSession spark, String runDir, Integer requested, PrintStream console)
      throws IOException {
    return run(spark, runDir, requested, console, Provenance.of("Iteration.run", List.of()));
  }

  /**
   * Runs the next iteration of the run in {@code runDir}; every stage record carries {@code
   * provenance} (the command line that asked for it).
   *
   * @param requested the iteration the caller expects to run, or null for "the next one"
   */
  public static Outcome run(
      SparkSession spark,
      String runDir,
      Integer requested,
      PrintStream console,
      Provenance provenance)
      throws IOException {
    RunStore store = RunStore.open(runDir);
    RunLayout layout = store.layout();
    if (!store.exists(layout.runJson())) {
      throw new IllegalArgumentException(
          "no run in " + runDir + " (run.json missing): run 'orz init' first");
    }
    try (RunLock lock =
        RunLock.acquire(
            store,
            "orz iterate --run-dir "
                + layout.root()
                + (requested == null ? "" : " --iteration " + requested))) {
      // Holding the lock, no live writer owns a temp: whatever is left is a crashed attempt's.
      for (Path left : RunLeftovers.remove(store)) {
        console.printf("removed %s (left by a crashed attempt)%n", layout.relative(left));
      }
      return runLocked(spark, store, requested, console, lock, provenance);
    }
  }

  /**
   * The iteration the next {@link #run} of {@code runDir} will most likely complete, judged from
   * file names and {@code _SUCCESS} markers only (no hashing, no lock, no Spark), for naming its
   * Spark application before the session starts: the newest checkpoint with {@code _SUCCESS},
   * itself again when its metrics are missing, else the one after it. {@link #run} decides for
   * real; it differs only when that checkpoint fails verification or a writer races this look.
   */
  public static int expectedNext(RunStore store) throws IOException {
    RunLayout layout = store.layout();
    int latest =
        new CheckpointStore(store).latestMarked().map(CheckpointStore.Folder::iteration).orElse(0);
    boolean metricsMissing =
        latest > 0 && !store.exists(new Path(layout.metrics(latest), AtomicOutput.SUCCESS));
    return metricsMissing ? latest : latest + 1;
  }

  private static Outcome runLocked(
      SparkSession spark,
      RunStore store,
      Integer requested,
      PrintStream console,
      RunLock lock,
      Provenance provenance)
      throws IOException {
    RunLayout layout = store.layout();
    RunConfig config = RunConfig.read(store);
    if (!config.predatedSettings().isEmpty()) {
      console.println(
          "run.json predates settings "
              + String.join(", ", config.predatedSettings())
              + ": their built-in defaults apply");
    }
    CheckpointStore checkpoints = new CheckpointStore(store);
    prune(checkpoints, store, config, console);
    int latest = checkpoints.usable(null).iteration();
    boolean metricsMissing =
        latest > 0
            && !reusable(
                new IterationContext(spark, store, config, latest),
                layout.metrics(latest),
                console);
    int next = metricsMissing ? latest : latest + 1;
    if (requested != null && requested != next) {
      throw new IllegalArgumentException(
          requested <= latest
              ? "iteration "
                  + requested
                  + " is already complete (latest checkpoint "
                  + latest
                  + "); nothing to do"
              : "iteration "
                  + requested
                  + " cannot run yet: the latest complete checkpoint is "
                  + latest
                  + ", so the next iteration is "
                  + next);
    }
    IterationContext ctx = new IterationContext(spark, store, config, next, provenance);
    if (metricsMissing) {
      console.printf("iteration %d: checkpoint complete, completing its metrics%n", next);
      // The metrics read every stage's output: a damaged one is computed again from checkpoint N-1.
      beforeUpdate(ctx, layout.checkpoint(next - 1), console);
      Map<String, Double> metrics = MetricsStage.run(ctx, Map.of());
      console.println(MetricsStage.summary(next, metrics));
      return new Outcome(next, metrics, true);
    }
    Stopwatch iteration = Stopwatch.start();
    SampleStage.Result sample = beforeUpdate(ctx, layout.checkpoint(latest), console);
    CheckpointState state = new CheckpointState(next, sample.next());
    lock.ensureHeld();
    Stopwatch updateWatch = Stopwatch.start();
    UpdateStage.Result update = UpdateStage.run(ctx, state);
    double updateSeconds = updateWatch.seconds();
    console.printf(
        "iteration %d: update by %d replicas in executors %s, parameters identical%n",
        next,
        update.replicas().size(),
        update.replicas().stream().map(UpdateStage.ReplicaReport::executor).toList());
    if (!update.applied()) {
      recordFailure(store, next, update.refusal());
      throw new UpdateRefusedException(
          "iteration "
              + next
              + ": the update refused a step ("
              + update.refusal()
              + "); checkpoint "
              + latest
              + " stays the latest");
    }
    CheckpointStore.Verdict written = checkpoints.verify(next);
    if (!written.complete()) {
      throw new IllegalStateException(
          "checkpoint "
              + next
              + " is not complete after the update: "
              + written.problem().orElse("?"));
    }
    FaultPoints.reach("update.after-checkpoint");
    prune(checkpoints, store, config, console);
    Map<String, Double> driverFigures = new LinkedHashMap<>();
    driverFigures.put(IterationMetrics.UPDATE_SECONDS.name(), updateSeconds);
    driverFigures.put(IterationMetrics.ITERATION_SECONDS.name(), iteration.seconds());
    Map<String, Double> metrics = MetricsStage.run(ctx, driverFigures);
    console.println(MetricsStage.summary(next, metrics));
    return new Outcome(next, metrics, false);
  }

  /**
   * The stages before the update (sample, rollout, score, experience), each skipped when its output
   * is complete and intact; {@code start} is the checkpoint the iteration starts from.
   */
  private static SampleStage.Result beforeUpdate(
      IterationContext ctx, Path start, PrintStream console) throws IOException {
    RunLayout layout = ctx.layout();
    int next = ctx.iteration();
    SampleStage.Result sample =
        reusable(ctx, layout.sampledPrompts(next), console)
            ? SampleStage.read(ctx)
            : SampleStage.run(ctx, cursorOf(ctx.store(), start));
    console.printf("iteration %d: %d prompts sampled%n", next, sample.prompts().size());
    if (!reusable(ctx, layout.rollouts(next), console)) {
      if (!reusable(ctx, layout.generated(next), console)) {
        RolloutStage.run(ctx, sample.prompts());
      }
      ScoreStage.run(ctx);
    }
    StageRecord rollout =
        ctx.recordFile(new Path(layout.rollouts(next), ScoreStage.ROLLOUT_RECORD));
    console.printf(
        "iteration %d: rollouts generated on [%s] and scored%n",
        next, rollout.notes().getOrDefault(RolloutStage.PLACEMENTS, "?"));
    if (!reusable(ctx, layout.experience(next), console)) {
      ExperienceStage.run(ctx);
    }
    console.printf("iteration %d: experience written%n", next);
    return sample;
  }

  /**
   * Whether a stage output can be reused: complete and intact against its marker. A damaged one (a
   * listed file missing, truncated or resized; an unreadable marker) is never trusted: it is said
   * in one line and removed, and the stage computes it again.
   */
  private static boolean reusable(IterationContext ctx, Path folder, PrintStream console)
      throws IOException {
    AtomicOutput.Check check = ctx.check(folder);
    if (check.damaged()) {
      console.printf(
          "iteration %d: %s is damaged (%s); removing it and computing it again%n",
          ctx.iteration(), ctx.layout().relative(folder), check.damage().orElseThrow());
      ctx.discard(folder);
    }
    return check.complete();
  }

  /**
   * Applies {@code checkpoint.keep_every}: keeps the latest two checkpoints, every multiple of it
   * and every evaluated one ({@code R/eval/checkpoint=N/} exists); deletes the rest.
   */
  private static void prune(
      CheckpointStore checkpoints, RunStore store, RunConfig config, PrintStream console)
      throws IOException {
    List<Integer> deleted =
        checkpoints.prune(
            config.get(RunSettings.SAVE_EVERY),
            iteration -> exists(store, store.layout().eval(iteration)));
    if (!deleted.isEmpty()) {
      console.printf(
          "pruned checkpoints %s (checkpoint.keep_every=%d)%n",
          deleted, config.get(RunSettings.SAVE_EVERY));
    }
  }

  private static boolean exists(RunStore store, Path path) {
    try {
      return store.exists(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Appends a refused update to {@code R/metrics/failures.jsonl}, by rewriting the file atomically
   * (no file system orz supports appends the same way; the file stays a few lines long).
   */
  private static void recordFailure(RunStore store, int iteration, String reason)
      throws IOException {
    Map<String, Object> failure = new LinkedHashMap<>();
    failure.put("iteration", iteration);
    failure.put("stage", "update");
    failure.put("reason", reason);
    failure.put("time", java.time.Instant.now().toString());
    Path file = store.layout().failuresJsonl();
    String before =
        store.readIfExists(file).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    store.writeAtomically(
        file,
        (before + JSON.writeValueAsString(failure) + System.lineSeparator())
            .getBytes(StandardCharsets.UTF_8));
  }

  /** The data cursor a checkpoint's state.json carries. */
  static PromptSampler.Cursor cursorOf(RunStore store, Path checkpoint) throws IOException {
    var state = JSON.readTree(store.read(new Path(checkpoint, UpdateStage.STATE_FILE)));
    return CheckpointState.fromJson(state).cursor();
  }
}
