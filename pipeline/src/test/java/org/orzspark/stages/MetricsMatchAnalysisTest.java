package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.analysis.IterationStats;
import org.orzspark.analysis.RunAnalysis;
import org.orzspark.analysis.StepMoments;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.SharedSpark;

/** The metrics stage and the analysis compute every rollout metric alike, from the same rows. */
class MetricsMatchAnalysisTest {
  @TempDir Path tmp;

  private static Row generated(int i, String response, int length, String finish) {
    return RolloutTable.toRow(
        new RolloutTable.Generated(
            "p" + i,
            0,
            "What is 2+2?",
            "4",
            new int[] {1, 2},
            new int[length],
            response,
            new float[length],
            finish));
  }

  @Test
  void metricsJsonlAndTheAnalysisTableAgreeOnEveryRolloutMetric() throws Exception {
    SparkSession spark = SharedSpark.session();
    List<Row> rows = new ArrayList<>();
    rows.add(generated(0, "<think>wait, 2+2</think> <answer>\\boxed{4}</answer>", 12, "stop"));
    rows.add(
        generated(1, "<think>let me recheck this</think> <answer>\\boxed{5}</answer>", 30, "stop"));
    rows.add(generated(2, "<think>however, retry</think> <answer>\\boxed{4}</answer>", 7, "stop"));
    rows.add(generated(3, "no format at all, \\boxed{4}", 50, "length"));
    rows.add(generated(4, "<think>plain</think> <answer>\\boxed{4}</answer>", 20, "stop"));
    Dataset<Row> scored =
        ScoreStage.score(spark, spark.createDataFrame(rows, RolloutTable.GENERATED));
    RunLayout layout = new RunLayout(tmp.resolve("run"));
    scored.coalesce(1).write().parquet(layout.rollouts(1).toString());

    Map<String, Double> metrics =
        MetricsStage.rolloutFigures(spark.read().parquet(layout.rollouts(1).toString()));
    IterationStats stats =
        RunAnalysis.open(spark, layout, false).iterationStats(StepMoments.Rule.DEFAULT).get(0);

    assertThat(stats.values()).containsExactlyInAnyOrderEntriesOf(metrics);
    // and the values are the rows' own: 3 of 5 correct, 3 reflecting
    assertThat(metrics.get(IterationMetrics.REWARD_MEAN.name())).isEqualTo(0.6);
    assertThat(metrics.get(IterationMetrics.REFLECTING_RESPONSES.name())).isEqualTo(3.0);
    assertThat(metrics.get(IterationMetrics.TRUNCATED_RATE.name())).isEqualTo(0.2);
  }
}
