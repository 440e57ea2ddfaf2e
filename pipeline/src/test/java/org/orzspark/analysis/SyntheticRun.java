package org.orzspark.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.Provenance;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;
import org.orzspark.stages.StageRecord;

/**
 * Writes synthetic run directories with the real table schemas ({@link RolloutTable#ROLLOUTS}, wide
 * metrics, evaluation rows), for the analysis, report and notebook tests. Every folder gets its
 * {@code _SUCCESS} marker, as the iteration stages write them.
 */
public final class SyntheticRun {

  /** Responses per iteration of {@link #writeStepRun}. */
  public static final int SAMPLES = 8;

  private SyntheticRun() {}

  /**
   * A rollout row; token arrays are filled to {@code length}, and {@code question} and {@code
   * ground_truth} derive from the prompt id.
   */
  public static Row rollout(
      String promptId, int sample, String response, int length, Float reward, Boolean formatOk) {
    Integer[] responseIds = new Integer[length];
    Float[] logprobs = new Float[length];
    Arrays.fill(responseIds, 7);
    Arrays.fill(logprobs, -0.5f);
    // By column name: the table gains columns (the row's origin) that this fixture leaves null.
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(RolloutTable.PROMPT_ID, promptId);
    values.put(RolloutTable.SAMPLE_INDEX, sample);
    values.put(RolloutTable.QUESTION, "What is " + promptId + "?");
    values.put(RolloutTable.GROUND_TRUTH, "\\boxed{4}");
    values.put(RolloutTable.PROMPT_TOKEN_IDS, Arrays.asList(1, 2, 3));
    values.put(RolloutTable.RESPONSE_TOKEN_IDS, Arrays.asList(responseIds));
    values.put(RolloutTable.RESPONSE, response);
    values.put(RolloutTable.SAMPLING_LOGPROBS, Arrays.asList(logprobs));
    values.put(RolloutTable.FINISH_REASON, "stop");
    values.put(RolloutTable.RESPONSE_LENGTH, length);
    values.put(RolloutTable.REWARD, reward);
    values.put(RolloutTable.FORMAT_OK, formatOk);
    Object[] row = new Object[RolloutTable.ROLLOUTS.length()];
    values.forEach((column, value) -> row[RolloutTable.ROLLOUTS.fieldIndex(column)] = value);
    return RowFactory.create(row);
  }

  /**
   * Writes {@code rows} as {@code rollouts/iteration=N/} with its marker; the iteration is the
   * folder's partition value, as the iteration job writes it.
   */
  public static void writeRollouts(
      SparkSession spark, RunLayout layout, int iteration, List<Row> rows) {
    spark
        .createDataFrame(rows, RolloutTable.ROLLOUTS)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(layout.rollouts(iteration).toString());
  }

  /**
   * Writes one metrics row as {@code metrics/iteration=N/} (Parquet, double columns in the given
   * order) and appends it to {@code metrics/metrics.jsonl}.
   */
  public static void writeMetrics(
      SparkSession spark, RunLayout layout, int iteration, Map<String, Double> values) {
    List<StructField> fields = new ArrayList<>();
    values
        .keySet()
        .forEach(k -> fields.add(DataTypes.createStructField(k, DataTypes.DoubleType, true)));
    StructType schema = DataTypes.createStructType(fields);
    spark
        .createDataFrame(List.of(RowFactory.create(values.values().toArray())), schema)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(layout.metrics(iteration).toString());
    StringBuilder json = new StringBuilder("{\"iteration\":").append(iteration);
    values.forEach((k, v) -> json.append(",\"").append(k).append("\":").append(v));
    try {
      Files.writeString(
          LocalRuns.local(layout.metricsJsonl()),
          json.append("}\n").toString(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes evaluation rows (checkpoint, benchmark, avg_at_k, pass_at_k) under {@code eval/}. */
  public static void writeEval(SparkSession spark, RunLayout layout, List<Row> rows) {
    StructType schema =
        DataTypes.createStructType(
            List.of(
                DataTypes.createStructField("checkpoint", DataTypes.IntegerType, false),
                DataTypes.createStructField("benchmark", DataTypes.StringType, false),
                DataTypes.createStructField("avg_at_k", DataTypes.DoubleType, false),
                DataTypes.createStructField("pass_at_k", DataTypes.DoubleType, false)));
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(layout.eval().toString());
  }

  /** The step run's {@code run.json}: the tiny-cpu profile, one setting of it and one --set. */
  public static final String PROFILE = "tiny-cpu";

  /** The settings of the step run that differ from their defaults. */
  public static final Map<String, String> CHANGED =
      Map.of("rollout.samples_per_prompt", "8", "run.seed", "7");

  /**
   * Hosts of the step run's provenance: its last {@link #RESUMED_LAST} iterations ran on another.
   */
  public static final String FIRST_HOST = "node-a";

  public static final String RESUMED_HOST = "node-b";
  public static final int RESUMED_LAST = 4;

  private static void writeRunJson(RunLayout layout) {
    Properties profile = new Properties();
    profile.setProperty("rollout.samples_per_prompt", CHANGED.get("rollout.samples_per_prompt"));
    try {
      RunConfig.resolve(
              "Qwen/Qwen2.5-0.5B",
              "datasets/data/orz_math_57k",
              PROFILE,
              profile,
              Map.of("run.seed", CHANGED.get("run.seed")))
          .write(RunStore.open(layout.root().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A rollout stage record with the provenance of a command run on {@code host}. */
  private static void writeProvenance(RunLayout layout, int iteration, String host) {
    Provenance provenance =
        new Provenance(
            "0.1.0",
            "0123abc",
            "17.0.12",
            "4.2.0",
            "0.33.0",
            "2.7.1",
            host,
            "orz train --run-dir " + layout.name() + " --set hf.token=" + Provenance.REDACTED);
    try {
      Files.writeString(
          LocalRuns.local(layout.rollouts(iteration)).resolve(StageRecord.FILE),
          new StageRecord("score", 1.0, Map.of(), Map.of(), provenance).toJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A run of {@code iterations} iterations (1..n) whose reward, response length and correct
   * reflection length all step up at {@code stepAt}, with metrics (a {@code reflection/share}
   * column appears from iteration 3 on, to exercise schema merging) and evaluation results.
   *
   * <p>Each iteration has {@link #SAMPLES} responses, sample {@code s} of prompt {@code p<s/2>}:
   *
   * <ul>
   *   <li>before the step: correct samples 0 and 4; sample 0 reflects ("wait,"); length {@code 20 +
   *       s + iteration % 3};
   *   <li>from the step on: correct samples 0, 1, 4, 5, 6; samples 0-3 reflect (0: "wait,", 1:
   *       "recheck", 2: "however," and "retry", 3: "alternatively,"), sample 5 writes "Wait," (only
   *       a case-insensitive analysis counts it); length {@code 60 + s + iteration % 3};
   *   <li>always: sample 6 holds HTML ({@code <script>}) in its text, sample 7 is malformed with a
   *       null {@code format_ok} (the analysis recomputes it), the others are well-formed.
   * </ul>
   */
  public static Path writeStepRun(SparkSession spark, Path root, int iterations, int stepAt) {
    RunLayout layout = new RunLayout(root);
    for (int it = 1; it <= iterations; it++) {
      boolean after = it >= stepAt;
      List<Row> rows = new ArrayList<>();
      double rewardSum = 0;
      double lengthSum = 0;
      for (int s = 0; s < SAMPLES; s++) {
        boolean correct = after ? List.of(0, 1, 4, 5, 6).contains(s) : s == 0 || s == 4;
        int length = (after ? 60 : 20) + s + it % 3;
        String response = response(s, after, correct);
        rows.add(
            rollout("p" + s / 2, s, response, length, correct ? 1f : 0f, s == 7 ? null : true));
        rewardSum += correct ? 1 : 0;
        lengthSum += length;
      }
      writeRollouts(spark, layout, it, rows);
      writeProvenance(layout, it, it <= iterations - RESUMED_LAST ? FIRST_HOST : RESUMED_HOST);
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("reward/mean", rewardSum / SAMPLES);
      metrics.put("response/length_mean", lengthSum / SAMPLES);
      metrics.put("losses/policy", -0.01 * it);
      metrics.put("losses/value", 1.0 / it);
      metrics.put("losses/clipfrac", 0.02);
      metrics.put("grad/norm", 0.5 + 0.1 * (it % 2));
      metrics.put("time/rollout_s", 2.0 + it % 2);
      metrics.put("time/update_s", 1.0);
      metrics.put("throughput/tokens_per_s", 1000.0 + 10 * it);
      if (it >= 3) {
        metrics.put("reflection/share", after ? 0.5 : 0.125);
      }
      writeMetrics(spark, layout, it, metrics);
    }
    writeRunJson(layout);
    List<Row> eval = new ArrayList<>();
    for (int checkpoint = 0; checkpoint <= iterations; checkpoint += 5) {
      // Accuracy grows by 0.01 a checkpoint with the step at 7, faster with an earlier step.
      double gain = 0.07 * checkpoint / stepAt;
      eval.add(RowFactory.create(checkpoint, "math500", 0.1 + gain, 0.3 + gain));
      eval.add(RowFactory.create(checkpoint, "aime2024", 0.0, 0.05));
    }
    writeEval(spark, layout, eval);
    return root;
  }

  private static String response(int sample, boolean after, boolean correct) {
    String answer = "</think> <answer> \\boxed{" + (correct ? "4" : "5") + "} </answer>";
    String reasoning =
        switch (sample) {
          case 0 -> "2+2, wait, that is 4 ";
          case 1 -> after ? "let me recheck the sum " : "2+2 is 4 ";
          case 2 -> after ? "however, retry the carry " : "2+2 is 5 ";
          case 3 -> after ? "alternatively, count up " : "count up ";
          case 5 -> after ? "Wait, count again " : "two and two ";
          case 6 -> "<script>alert('x')</script> & so ";
          case 7 -> "I give up";
          default -> "plain reasoning ";
        };
    return sample == 7 ? reasoning : reasoning + answer;
  }
}
