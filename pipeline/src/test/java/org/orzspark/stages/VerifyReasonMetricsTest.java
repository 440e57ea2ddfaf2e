package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.verify.VerifyOptions;
import org.orzspark.run.RolloutTable;
import org.orzspark.testing.SharedSpark;

/**
 * The score stage passes the verifier options it is given to the reward UDFs, and the metrics
 * report the share of rows the verifier could not decide, by reason.
 */
class VerifyReasonMetricsTest {
  private static final String CAS_ONLY_GOLD =
      "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{15+2\\sqrt{33}}";
  private static final String CAS_ONLY_PRED =
      "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}+\\sin^2 x+\\cos^2 x-1";

  private static Dataset<Row> generated(SparkSession spark, String[][] goldAndResponse) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < goldAndResponse.length; i++) {
      rows.add(
          RolloutTable.toRow(
              new RolloutTable.Generated(
                  "p" + i,
                  0,
                  "question",
                  goldAndResponse[i][0],
                  new int[] {1},
                  new int[] {2},
                  goldAndResponse[i][1],
                  new float[] {-0.5f},
                  "stop")));
    }
    return spark.createDataFrame(rows, RolloutTable.GENERATED);
  }

  private static String boxed(String answer) {
    return "<think>so</think> <answer>\\boxed{" + answer + "}</answer>";
  }

  @Test
  void reasonRatesCountTheRowsTheVerifierCouldNotDecide() {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> rows =
        generated(
            spark,
            new String[][] {
              {"5", boxed("5")},
              {"5", boxed("\\binom{5}{10^{10}}")},
              {"\\binom{5}{10^{10}}", boxed("10")},
              {"5", "no answer here"},
              {CAS_ONLY_GOLD, boxed(CAS_ONLY_PRED)}
            });

    Map<String, Double> figures =
        MetricsStage.rolloutFigures(ScoreStage.score(spark, rows, VerifyOptions.DEFAULTS));
    assertThat(figures.get("reward/mean")).isCloseTo(0.4, within(1e-9));
    assertThat(figures.get("reward/verify_too_large_rate")).isCloseTo(0.4, within(1e-9));
    assertThat(figures.get("reward/verify_timeout_rate")).isZero();
    assertThat(figures.get("reward/verify_internal_error_rate")).isZero();

    // A one-millisecond net, given to the stage, reaches the UDFs: the CAS-only row times out. Only
    // rows the net cannot touch beside it (identical strings are equal before any clock is read),
    // so that a slow machine cannot turn another row's verdict into a timeout.
    Dataset<Row> netTest =
        generated(spark, new String[][] {{"5", boxed("5")}, {CAS_ONLY_GOLD, boxed(CAS_ONLY_PRED)}});
    Map<String, Double> hurried =
        MetricsStage.rolloutFigures(
            ScoreStage.score(spark, netTest, VerifyOptions.DEFAULTS.withTimeoutMillis(1)));
    assertThat(hurried.get("reward/verify_timeout_rate")).isCloseTo(0.5, within(1e-9));
    assertThat(hurried.get("reward/mean")).isCloseTo(0.5, within(1e-9));
  }
}
