package org.orzspark.jobs;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.JsonLinesInput;
import org.orzspark.reward.spark.RewardUdfs;
import org.orzspark.run.RolloutTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz score --input responses.(jsonl|parquet) --output DIR}: the ORZ reward on a file of
 * (response, ground_truth) rows through Spark, for offline re-scoring. The output (Parquet, all
 * input columns plus {@code reward}, {@code extracted_answer}, {@code reflection_patterns}) is
 * written atomically ({@link AtomicOutput}, {@code _SUCCESS} last). Rows without a response or
 * ground truth, and JSON lines that cannot be read as they are, are not scored: they go to {@code
 * DIR/_quarantine} with a {@code quarantine_reason} ({@code malformed-json}, {@code
 * missing-<column>}, and for the raw line ({@link JsonLinesInput}): {@code invalid-utf8}, {@code
 * unpaired-surrogate}, {@code line-too-long}), the line's text in {@code _corrupt_record} where the
 * row has no columns. No string in the output holds an unpaired surrogate or bytes that are not
 * UTF-8.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Score a file of responses with the ORZ reward (Spark); writes Parquet atomically.")
public final class ScoreCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      required = true,
      description = "Responses: a .jsonl/.json file or Parquet (file or folder).")
  String input;

  @Option(
      names = "--output",
      required = true,
      description = "Output folder (must not exist unless --overwrite).")
  String output;

  @Option(
      names = "--response-col",
      defaultValue = "response",
      description = "Response column (default: ${DEFAULT-VALUE}).")
  String responseColumn;

  @Option(
      names = "--ground-truth-col",
      defaultValue = "ground_truth",
      description = "Ground-truth column (default: ${DEFAULT-VALUE}).")
  String groundTruthColumn;

  @Option(
      names = "--finished-col",
      defaultValue = "finished",
      description =
          "Boolean column, false for responses cut off by the length limit; used when present"
              + " (default: ${DEFAULT-VALUE}).")
  String finishedColumn;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  /** Counts of one run. */
  public record Result(long rows, long scored, long quarantined, double meanReward) {}

  @Override
  public Integer call() throws IOException {
    return SparkJob.printSummary(
        "orz score",
        spark -> {
          Result r =
              run(
                  spark,
                  input,
                  output,
                  responseColumn,
                  groundTruthColumn,
                  finishedColumn,
                  overwrite.requested());
          return String.format(
              "score: %d rows, %d scored (mean reward %.4f), %d quarantined -> %s",
              r.rows(), r.scored(), r.meanReward(), r.quarantined(), output);
        });
  }

  public static Result run(
      SparkSession spark,
      String input,
      String output,
      String responseColumn,
      String groundTruthColumn,
      String finishedColumn,
      boolean overwrite)
      throws IOException {
    Dataset<Row> rows = read(spark, input);
    List<String> columns = Arrays.asList(rows.columns());
    for (String required : List.of(responseColumn, groundTruthColumn)) {
      if (!columns.contains(required)) {
        throw new IllegalArgumentException(
            "input " + input + " has no column '" + required + "'; columns: " + columns);
      }
    }
    RewardUdfs.register(spark);
    Column defect =
        columns.contains(JsonLinesInput.DEFECT)
            ? col(JsonLinesInput.DEFECT)
            : lit(null).cast(DataTypes.StringType);
    Column corrupt =
        columns.contains(JsonLinesInput.CORRUPT_RECORD)
            ? col(JsonLinesInput.CORRUPT_RECORD).isNotNull()
            : lit(false);
    Column reason =
        when(defect.isNotNull(), defect)
            .when(corrupt, lit("malformed-json"))
            .when(col(responseColumn).isNull(), lit("missing-" + responseColumn))
            .when(col(groundTruthColumn).isNull(), lit("missing-" + groundTruthColumn))
            .otherwise(lit(null).cast(DataTypes.StringType));
    Dataset<Row> checked =
        rows.withColumn("quarantine_reason", reason).drop(JsonLinesInput.DEFECT).cache();

    List<Column> rewardArgs = new ArrayList<>(List.of(col(responseColumn), col(groundTruthColumn)));
    if (columns.contains(finishedColumn)) {
      rewardArgs.add(col(finishedColumn).cast(DataTypes.BooleanType));
    }
    Dataset<Row> scored =
        checked
            .filter(col("quarantine_reason").isNull())
            .drop("quarantine_reason", JsonLinesInput.CORRUPT_RECORD)
            .withColumn(
                RolloutTable.REWARD, call_function("orz_reward", rewardArgs.toArray(new Column[0])))
            .withColumn(
                RolloutTable.EXTRACTED_ANSWER,
                call_function("orz_extract_answer", col(responseColumn)))
            .withColumn(
                RolloutTable.REFLECTION_PATTERNS,
                call_function("orz_reflection_patterns", col(responseColumn)));
    Dataset<Row> quarantined = checked.filter(col("quarantine_reason").isNotNull());

    try (AtomicOutput out =
        AtomicOutput.begin(spark.sparkContext().hadoopConfiguration(), output, overwrite)) {
      out.writeParquet(scored, "");
      long quarantineCount = quarantined.count();
      if (quarantineCount > 0) {
        out.writeParquet(quarantined, "_quarantine");
      }
      // Spark skips _-prefixed folders, so this reads the scored rows only.
      Dataset<Row> written = spark.read().parquet(out.temp());
      long scoredCount = written.count();
      Double mean =
          written
              .agg(org.apache.spark.sql.functions.avg(RolloutTable.REWARD).as(RolloutTable.REWARD))
              .first()
              .getAs(RolloutTable.REWARD);
      out.commit();
      return new Result(
          scoredCount + quarantineCount, scoredCount, quarantineCount, mean == null ? 0 : mean);
    } finally {
      checked.unpersist();
    }
  }

  private static Dataset<Row> read(SparkSession spark, String input) {
    String lower = input.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
      return JsonLinesInput.read(spark, input);
    }
    return spark.read().parquet(input);
  }
}
