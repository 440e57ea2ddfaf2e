package org.orzspark.stages;

import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.reward.spark.RewardUdfs;
import org.orzspark.reward.verify.VerifyOptions;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunSettings;
import org.orzspark.timing.Stopwatch;

/**
 * Stage 3: score the generated responses with the reward UDFs on the DataFrame (reward with its
 * reason code, extracted answer, format flag, reflection patterns) and write the iteration's
 * rollouts. A response cut off by the length limit scores 0.
 */
public final class ScoreStage {
  /** The rollout stage's record, kept in the rollouts folder. */
  public static final String ROLLOUT_RECORD = "_stage_rollout.json";

  private ScoreStage() {}

  public static void run(IterationContext ctx) throws IOException {
    Stopwatch stage = Stopwatch.start();
    ctx.jobGroup("score");
    Path generatedFolder = ctx.layout().generated(ctx.iteration());
    VerifyOptions verify =
        VerifyOptions.DEFAULTS.withTimeoutMillis(
            Math.round(ctx.get(RunSettings.VERIFY_TIMEOUT_SECONDS) * 1000));
    Dataset<Row> scored =
        score(
            ctx.spark(),
            ctx.spark()
                .read()
                .schema(RolloutTable.GENERATED)
                .parquet(ctx.dataFiles(generatedFolder)),
            verify);
    Path folder = ctx.layout().rollouts(ctx.iteration());
    try (AtomicOutput out = ctx.begin(folder)) {
      out.writeParquet(scored, "");
      FaultPoints.reach("score");
      double seconds = stage.seconds();
      out.writeText(StageRecord.FILE, ctx.newRecord("score", seconds, Map.of(), Map.of()).toJson());
      // The generated rows go once the rollouts are complete; their stage record stays.
      out.writeText(ROLLOUT_RECORD, ctx.record(generatedFolder).toJson());
      out.commit();
    }
    ctx.discard(generatedFolder);
  }

  /**
   * {@link #score(SparkSession, Dataset, VerifyOptions)} with the session conf's verifier options.
   */
  public static Dataset<Row> score(SparkSession spark, Dataset<Row> generated) {
    RewardUdfs.register(spark);
    return withRewardColumns(generated);
  }

  /**
   * Generated rows with the reward columns of {@link RolloutTable#ROLLOUTS}: reward and its reason
   * code ({@code orz_judge}, finished = stopped, not cut off), extracted answer, format flag,
   * reflection patterns.
   */
  public static Dataset<Row> score(
      SparkSession spark, Dataset<Row> generated, VerifyOptions verify) {
    RewardUdfs.register(spark, verify);
    return withRewardColumns(generated);
  }

  private static Dataset<Row> withRewardColumns(Dataset<Row> generated) {
    List<Column> columns = new ArrayList<>();
    for (String name : RolloutTable.GENERATED.fieldNames()) {
      columns.add(col(name));
    }
    Column response = col(RolloutTable.RESPONSE);
    Column judgement =
        call_udf(
            "orz_judge",
            response,
            col(RolloutTable.GROUND_TRUTH),
            col(RolloutTable.FINISH_REASON).equalTo(RolloutTable.FINISH_STOP));
    columns.add(judgement.getField(RewardUdfs.JUDGEMENT_REWARD).as(RolloutTable.REWARD));
    columns.add(call_udf("orz_extract_answer", response).as(RolloutTable.EXTRACTED_ANSWER));
    columns.add(judgement.getField(RewardUdfs.JUDGEMENT_REASON).as(RolloutTable.VERIFY_REASON));
    columns.add(call_udf("orz_format_ok", response).as(RolloutTable.FORMAT_OK));
    columns.add(call_udf("orz_reflection_patterns", response).as(RolloutTable.REFLECTION_PATTERNS));
    return generated.select(columns.toArray(Column[]::new));
  }
}
