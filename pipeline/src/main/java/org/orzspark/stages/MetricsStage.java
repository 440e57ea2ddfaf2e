package org.orzspark.stages;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.datasets.io.StoreCosts;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.Metric;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunStore;

/**
 * Stage 6: one row of metrics per iteration, from the scored rollouts (reward, lengths, format,
 * reflection), the update's figures ({@code update.json} of the new checkpoint) and every stage's
 * wall time; written as {@code R/metrics/iteration=N/} (Parquet) and a line of {@code
 * R/metrics/metrics.jsonl}. Every metric is defined in {@link IterationMetrics}.
 */
public final class MetricsStage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetricsStage() {}

  /**
   * @param driverFigures figures only the driver measured in this application (e.g. the update
   *     stage's wall time); empty when the metrics of an interrupted iteration are completed later
   */
  public static Map<String, Double> run(IterationContext ctx, Map<String, Double> driverFigures)
      throws IOException {
    ctx.jobGroup("metrics");
    Map<String, Double> metrics = new TreeMap<>(driverFigures);
    Path rolloutsFolder = ctx.layout().rollouts(ctx.iteration());
    // With the table's schema: no Spark job to infer it from the files' footers.
    metrics.putAll(
        rolloutFigures(
            ctx.spark()
                .read()
                .schema(RolloutTable.ROLLOUTS)
                .parquet(ctx.dataFiles(rolloutsFolder))));

    Path checkpoint = ctx.layout().checkpoint(ctx.iteration());
    Map<?, ?> update =
        JSON.readValue(ctx.store().read(new Path(checkpoint, UpdateStage.UPDATE_FILE)), Map.class);
    update.forEach(
        (key, value) -> {
          if (value instanceof Number number) {
            metrics.put((String) key, number.doubleValue());
          }
        });
    put(
        metrics,
        IterationMetrics.SAMPLE_SECONDS,
        ctx.record(ctx.layout().sampledPrompts(ctx.iteration())).seconds());
    double rolloutSeconds =
        ctx.recordFile(new Path(rolloutsFolder, ScoreStage.ROLLOUT_RECORD)).seconds();
    put(metrics, IterationMetrics.ROLLOUT_SECONDS, rolloutSeconds);
    put(metrics, IterationMetrics.SCORE_SECONDS, ctx.record(rolloutsFolder).seconds());
    StageRecord experience = ctx.record(ctx.layout().experience(ctx.iteration()));
    put(metrics, IterationMetrics.EXPERIENCE_SECONDS, experience.seconds());
    put(
        metrics,
        IterationMetrics.ADVANTAGE_MEAN_RAW,
        experience.figure(ExperienceStage.ADVANTAGE_MEAN));
    put(
        metrics,
        IterationMetrics.ADVANTAGE_STD_RAW,
        experience.figure(ExperienceStage.ADVANTAGE_STD));
    put(
        metrics,
        IterationMetrics.TOKENS_PER_SECOND,
        metrics.get(IterationMetrics.TOKENS.name()) / rolloutSeconds);
    metrics.put(IterationMetrics.ITERATION, (double) ctx.iteration());
    write(ctx, metrics);
    return metrics;
  }

  /**
   * The {@link Metric.Source#ROLLOUTS} metrics of an iteration's scored rollouts ({@link
   * RolloutTable#ROLLOUTS} rows), from the stored reflection patterns and format flags: the stage's
   * one aggregation (public for the RAPIDS explain test of jobs). An iteration's rollouts are a few
   * thousand rows at most: aggregated in one partition, in one Spark job, with no shuffle (and so
   * in one fixed order of the rows).
   */
  public static Map<String, Double> rolloutFigures(Dataset<Row> rollouts) {
    Column[] aggregates = IterationMetrics.aggregates();
    Row row =
        IterationMetrics.withAggregateInputs(
                rollouts.coalesce(1),
                col(RolloutTable.REFLECTION_PATTERNS),
                col(RolloutTable.FORMAT_OK))
            .agg(aggregates[0], Arrays.copyOfRange(aggregates, 1, aggregates.length))
            .first();
    return new TreeMap<>(IterationMetrics.rolloutValues(row));
  }

  private static void write(IterationContext ctx, Map<String, Double> metrics) throws IOException {
    Map<String, Double> columns = new TreeMap<>(metrics);
    // The iteration is the folder's partition value, not a column.
    columns.remove(IterationMetrics.ITERATION);
    try (AtomicOutput out = ctx.begin(ctx.layout().metrics(ctx.iteration()))) {
      out.writeParquet(FigureRow.of(ctx.spark(), columns), "");
      // The line first, the folder's marker last: the marker is what makes the iteration complete,
      // so a crash between them has the metrics computed again and the line replaced, never an
      // iteration complete without its line.
      appendJsonl(ctx.store(), ctx.layout().metricsJsonl(), ctx.iteration(), metrics);
      FaultPoints.reach("metrics.after-jsonl");
      out.commit();
    }
  }

  /**
   * Rewrites metrics.jsonl with this iteration's line replaced or added, atomically ({@link
   * RunStore#writeAtomically}: a unique temp file renamed over it), so a crash leaves the old file
   * or the new one, on any file system.
   */
  static void appendJsonl(RunStore store, Path file, int iteration, Map<String, Double> metrics)
      throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.RECORDS)) {
      rewriteJsonl(store, file, iteration, metrics);
    }
  }

  private static void rewriteJsonl(
      RunStore store, Path file, int iteration, Map<String, Double> metrics) throws IOException {
    Map<Integer, String> lines = new TreeMap<>();
    Optional<byte[]> existing = store.readIfExists(file);
    if (existing.isPresent()) {
      for (String line : new String(existing.get(), StandardCharsets.UTF_8).split("\\R")) {
        if (!line.isBlank()) {
          lines.put(JSON.readTree(line).path(IterationMetrics.ITERATION).asInt(), line);
        }
      }
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put(IterationMetrics.ITERATION, iteration);
    metrics.forEach(
        (k, v) -> {
          if (!k.equals(IterationMetrics.ITERATION)) {
            record.put(k, Double.isFinite(v) ? v : null);
          }
        });
    lines.put(iteration, JSON.writeValueAsString(record));
    store.writeAtomically(
        file,
        (String.join(System.lineSeparator(), lines.values()) + System.lineSeparator())
            .getBytes(StandardCharsets.UTF_8));
  }

  /** The one console line of an iteration. */
  public static String summary(int iteration, Map<String, Double> m) {
    return String.format(
        "iteration %d | reward %.3f | length %.0f | format %.2f | reflect %.2f | loss pi %.4f v %.4f"
            + " | clip %.3f | grad %.3f | %.0f tok/s | rollout %.1fs experience %.1fs update %.1fs",
        iteration,
        get(m, IterationMetrics.REWARD_MEAN),
        get(m, IterationMetrics.RESPONSE_LENGTH_MEAN),
        get(m, IterationMetrics.FORMAT_RATE),
        get(m, IterationMetrics.REFLECTION_SHARE),
        get(m, IterationMetrics.LOSS_POLICY),
        get(m, IterationMetrics.LOSS_VALUE),
        get(m, IterationMetrics.CLIP_FRACTION),
        get(m, IterationMetrics.GRAD_NORM),
        get(m, IterationMetrics.TOKENS_PER_SECOND),
        get(m, IterationMetrics.ROLLOUT_SECONDS),
        get(m, IterationMetrics.EXPERIENCE_SECONDS),
        m.getOrDefault(
            IterationMetrics.UPDATE_SECONDS.name(), get(m, IterationMetrics.UPDATE_TASK_SECONDS)));
  }

  private static double get(Map<String, Double> metrics, Metric metric) {
    return metrics.getOrDefault(metric.name(), Double.NaN);
  }

  private static void put(Map<String, Double> metrics, Metric metric, double value) {
    metrics.put(metric.name(), value);
  }
}
