package org.orzspark.stages;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.reward.ReflectionPatterns;
import org.orzspark.reward.verify.Verdict;

/**
 * Stage 6: one row of metrics per iteration, from the scored rollouts (reward, lengths, format,
 * reflection), the update's figures ({@code update.json} of the new checkpoint) and every stage's
 * wall time; written as {@code R/metrics/iteration=N/} (Parquet) and a line of
 * {@code R/metrics/metrics.jsonl}. Names are namespaced like CleanRL's ({@code reward/mean},
 * {@code losses/policy}, {@code time/rollout_s}).
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
    metrics.putAll(rolloutFigures(ctx.spark().read().parquet(ctx.dataFiles(rolloutsFolder))));

    Path checkpoint = ctx.layout().checkpoint(ctx.iteration());
    Map<?, ?> update = JSON.readValue(checkpoint.resolve(UpdateStage.UPDATE_FILE).toFile(), Map.class);
    update.forEach((key, value) -> {
      if (value instanceof Number number) {
        metrics.put((String) key, number.doubleValue());
      }
    });
    metrics.put("time/sample_s", StageRecord.read(ctx.layout().sampledPrompts(ctx.iteration())).seconds());
    double rolloutSeconds =
        StageRecord.readFile(rolloutsFolder.resolve(ScoreStage.ROLLOUT_RECORD)).seconds();
    metrics.put("time/rollout_s", rolloutSeconds);
    metrics.put("time/score_s", StageRecord.read(rolloutsFolder).seconds());
    StageRecord experience = StageRecord.read(ctx.layout().experience(ctx.iteration()));
    metrics.put("time/experience_s", experience.seconds());
    metrics.put("advantage/mean_raw", experience.figure("advantage_mean"));
    metrics.put("advantage/std_raw", experience.figure("advantage_std"));
    metrics.put("throughput/tokens_per_s", metrics.get("rollout/tokens") / rolloutSeconds);
    metrics.put("iteration", (double) ctx.iteration());
    write(ctx, metrics);
    return metrics;
  }

  /** The figures of an iteration's scored rollouts ({@code RunTables.ROLLOUTS} rows). */
  static Map<String, Double> rolloutFigures(Dataset<Row> rollouts) {
    Map<String, Double> metrics = new TreeMap<>();
    Row a = rollouts.agg(
            avg("reward"),
            avg("response_length"),
            expr("percentile(response_length, 0.5)"),
            expr("percentile(response_length, 0.9)"),
            avg(col("format_ok").cast("double")),
            avg(when(size(col("reflection_patterns")).gt(0), 1.0).otherwise(0.0)),
            avg(when(col("reward").equalTo(1f).and(size(col("reflection_patterns")).gt(0)),
                col("response_length"))),
            avg(when(size(col("reflection_patterns")).gt(0), col("reward"))),
            avg(when(size(col("reflection_patterns")).equalTo(0), col("reward"))),
            avg(when(col("finish_reason").equalTo("length"), 1.0).otherwise(0.0)),
            sum("response_length"),
            count("*"),
            avg(reasonShare(Verdict.TIMEOUT)),
            avg(reasonShare(Verdict.TOO_LARGE)),
            avg(reasonShare(Verdict.INTERNAL_ERROR)))
        .first();
    put(metrics, "reward/mean", a, 0);
    put(metrics, "response/length_mean", a, 1);
    put(metrics, "response/length_p50", a, 2);
    put(metrics, "response/length_p90", a, 3);
    put(metrics, "format/rate", a, 4);
    put(metrics, "reflection/share", a, 5);
    put(metrics, "reflection/correct_length_mean", a, 6);
    put(metrics, "reflection/accuracy_reflecting", a, 7);
    put(metrics, "reflection/accuracy_not_reflecting", a, 8);
    put(metrics, "response/truncated_rate", a, 9);
    put(metrics, "rollout/tokens", a, 10);
    put(metrics, "rollout/responses", a, 11);
    // Verdicts the verifier could not reach: a rising share is a verifier problem, not a policy one.
    put(metrics, "reward/verify_timeout_rate", a, 12);
    put(metrics, "reward/verify_too_large_rate", a, 13);
    put(metrics, "reward/verify_internal_error_rate", a, 14);
    for (String pattern : ReflectionPatterns.NAMES) {
      metrics.put("reflection/count/" + pattern, 0.0);
    }
    rollouts.select(explode(col("reflection_patterns")).as("pattern")).groupBy("pattern").count()
        .collectAsList()
        .forEach(r -> metrics.put("reflection/count/" + r.getString(0), (double) r.getLong(1)));
    return metrics;
  }

  /** 1 for a row whose verify reason is {@code reason}, else 0 (a null reason included). */
  private static Column reasonShare(String reason) {
    return when(col("verify_reason").equalTo(reason), 1.0).otherwise(0.0);
  }

  private static void put(Map<String, Double> metrics, String name, Row row, int index) {
    metrics.put(name, row.isNullAt(index) ? Double.NaN : ((Number) row.get(index)).doubleValue());
  }

  private static void write(IterationContext ctx, Map<String, Double> metrics) throws IOException {
    Map<String, Double> columns = new TreeMap<>(metrics);
    // The iteration is the folder's partition value, not a column.
    columns.remove("iteration");
    try (AtomicOutput out = ctx.begin(ctx.layout().metrics(ctx.iteration()))) {
      out.writeParquet(FigureRow.of(ctx.spark(), columns), "");
      // The line first, the folder's marker last: the marker is what makes the iteration complete,
      // so a crash between them has the metrics computed again and the line replaced, never an
      // iteration complete without its line.
      appendJsonl(ctx.layout().metricsJsonl(), ctx.iteration(), metrics);
      FaultPoints.reach("metrics.after-jsonl");
      out.commit();
    }
  }

  /** Rewrites metrics.jsonl with this iteration's line replaced or added (atomic rename). */
  static void appendJsonl(Path file, int iteration, Map<String, Double> metrics) throws IOException {
    Map<Integer, String> lines = new TreeMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          lines.put(JSON.readTree(line).path("iteration").asInt(), line);
        }
      }
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("iteration", iteration);
    metrics.forEach((k, v) -> {
      if (!k.equals("iteration")) {
        record.put(k, Double.isFinite(v) ? v : null);
      }
    });
    lines.put(iteration, JSON.writeValueAsString(record));
    // A unique temp name: two writers never share a temp file (a crashed one's is removed by
    // RunLeftovers at the next iteration's start).
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
    try {
      Files.write(temp, lines.values(), StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The one console line of an iteration. */
  public static String summary(int iteration, Map<String, Double> m) {
    return String.format(
        "iteration %d | reward %.3f | length %.0f | format %.2f | reflect %.2f | loss pi %.4f v %.4f"
            + " | clip %.3f | grad %.3f | %.0f tok/s | rollout %.1fs experience %.1fs update %.1fs",
        iteration, m.getOrDefault("reward/mean", Double.NaN),
        m.getOrDefault("response/length_mean", Double.NaN), m.getOrDefault("format/rate", Double.NaN),
        m.getOrDefault("reflection/share", Double.NaN), m.getOrDefault("losses/policy", Double.NaN),
        m.getOrDefault("losses/value", Double.NaN), m.getOrDefault("losses/clipfrac", Double.NaN),
        m.getOrDefault("grad/norm", Double.NaN), m.getOrDefault("throughput/tokens_per_s", Double.NaN),
        m.getOrDefault("time/rollout_s", Double.NaN), m.getOrDefault("time/experience_s", Double.NaN),
        m.getOrDefault("time/update_s", m.getOrDefault("time/update_task_s", Double.NaN)));
  }
}
