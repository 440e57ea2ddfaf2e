package org.orzspark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.orzspark.analysis.SyntheticRun.rollout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.SharedSpark;

class RunAnalysisTest {
  private static final String ANSWER_4 = " </think> <answer> \\boxed{4} </answer>";
  private static final String ANSWER_5 = " </think> <answer> \\boxed{5} </answer>";

  @TempDir static Path tmp;
  static SparkSession spark;
  static Path handRun;

  /**
   * Iteration 1, six responses (case-sensitive patterns; "Wait," counts only case-insensitively):
   *
   * <pre>
   * row length reward format_ok         patterns
   * r0   10     1     true              wait,
   * r1   20     0     true              recheck, however,
   * r2   60     1     true              (Wait,)
   * r3   40     0     null -> true      -
   * r4  100     0     null -> false     -
   * r5   50     1     false (stored)    retry, alternatively,
   * </pre>
   *
   * Iteration 2: one correct, well-formed response of length 5 without patterns. Iteration 3 has no
   * _SUCCESS (still being written) and must be ignored.
   */
  @BeforeAll
  static void writeHandRun() throws Exception {
    spark = SharedSpark.session();
    handRun = tmp.resolve("hand-run");
    RunLayout layout = new RunLayout(handRun);
    SyntheticRun.writeRollouts(
        spark,
        layout,
        1,
        List.of(
            rollout("a", 0, "a, wait, b" + ANSWER_4, 10, 1f, true),
            rollout("a", 1, "recheck this; however, no" + ANSWER_5, 20, 0f, true),
            rollout("b", 0, "Wait, x" + ANSWER_4, 60, 1f, true),
            rollout("b", 1, "plain" + ANSWER_5, 40, 0f, null),
            rollout("c", 0, "no tags at all", 100, 0f, null),
            rollout("c", 1, "retry and alternatively, yes" + ANSWER_4, 50, 1f, false)));
    SyntheticRun.writeRollouts(
        spark, layout, 2, List.of(rollout("a", 0, "x" + ANSWER_4, 5, 1f, true)));
    SyntheticRun.writeRollouts(
        spark, layout, 3, List.of(rollout("a", 0, "x" + ANSWER_4, 5, 1f, true)));
    Files.delete(LocalRuns.local(layout.rollouts(3)).resolve("_SUCCESS"));
  }

  @Test
  void everyFigureEqualsTheHandCountCaseSensitive() {
    RunAnalysis analysis = RunAnalysis.open(spark, handRun, false);
    assertThat(analysis.rolloutIterations().incomplete()).containsExactly(3);
    List<IterationStats> stats = analysis.iterationStats(StepMoments.Rule.DEFAULT);
    assertThat(stats).extracting(IterationStats::iteration).containsExactly(1, 2);

    IterationStats one = stats.get(0);
    assertThat(one.value(IterationMetrics.RESPONSES)).isEqualTo(6.0);
    assertThat(one.value(IterationMetrics.REWARD_MEAN)).isCloseTo(3 / 6.0, within(1e-12));
    assertThat(one.value(IterationMetrics.RESPONSE_LENGTH_MEAN))
        .isCloseTo(280 / 6.0, within(1e-12));
    // sorted 10 20 40 50 60 100: p50 at position 2.5 -> 45; p90 at 4.5 -> 60 + 0.5 * 40
    assertThat(one.value(IterationMetrics.RESPONSE_LENGTH_P50)).isEqualTo(45.0);
    assertThat(one.value(IterationMetrics.RESPONSE_LENGTH_P90)).isEqualTo(80.0);
    assertThat(one.value(IterationMetrics.FORMAT_RATE)).isCloseTo(4 / 6.0, within(1e-12));
    assertThat(one.value(IterationMetrics.REFLECTING_RESPONSES)).isEqualTo(3.0);
    assertThat(one.value(IterationMetrics.REFLECTION_SHARE)).isEqualTo(0.5);
    for (String pattern : List.of("wait,", "recheck", "retry", "alternatively,", "however,")) {
      assertThat(one.value(IterationMetrics.patternCount(pattern))).as(pattern).isEqualTo(1.0);
    }
    // correct and reflecting: r0 (10), r5 (50)
    assertThat(one.value(IterationMetrics.CORRECT_REFLECTION_LENGTH_MEAN)).isEqualTo(30.0);
    assertThat(one.value(IterationMetrics.ACCURACY_REFLECTING)).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(one.value(IterationMetrics.ACCURACY_NOT_REFLECTING))
        .isCloseTo(1 / 3.0, within(1e-12));

    IterationStats two = stats.get(1);
    assertThat(two.value(IterationMetrics.RESPONSES)).isEqualTo(1.0);
    assertThat(two.value(IterationMetrics.RESPONSE_LENGTH_P50)).isEqualTo(5.0);
    assertThat(two.value(IterationMetrics.RESPONSE_LENGTH_P90)).isEqualTo(5.0);
    assertThat(two.value(IterationMetrics.REFLECTION_SHARE)).isZero();
    assertThat(two.value(IterationMetrics.CORRECT_REFLECTION_LENGTH_MEAN)).isNaN();
    assertThat(two.value(IterationMetrics.ACCURACY_REFLECTING)).isNaN();
    assertThat(two.value(IterationMetrics.ACCURACY_NOT_REFLECTING)).isEqualTo(1.0);
  }

  @Test
  void caseInsensitiveCountsCapitalisedPatterns() {
    IterationStats one =
        RunAnalysis.open(spark, handRun, true).iterationStats(StepMoments.Rule.DEFAULT).get(0);
    assertThat(one.value(IterationMetrics.REFLECTING_RESPONSES)).isEqualTo(4.0);
    assertThat(one.value(IterationMetrics.patternCount("wait,"))).isEqualTo(2.0);
    // correct and reflecting: r0 (10), r2 (60), r5 (50)
    assertThat(one.value(IterationMetrics.CORRECT_REFLECTION_LENGTH_MEAN)).isEqualTo(40.0);
    assertThat(one.value(IterationMetrics.ACCURACY_REFLECTING)).isEqualTo(0.75);
    assertThat(one.value(IterationMetrics.ACCURACY_NOT_REFLECTING)).isZero();
  }

  @Test
  void tableHasNullsWhereAMeanIsUndefined() {
    RunAnalysis analysis = RunAnalysis.open(spark, handRun, false);
    List<Row> rows =
        analysis.iterationTable(analysis.iterationStats(StepMoments.Rule.DEFAULT)).collectAsList();
    Row two = rows.get(1);
    assertThat(two.<Integer>getAs("iteration")).isEqualTo(2);
    assertThat(two.isNullAt(two.fieldIndex("correct_reflection_length_mean"))).isTrue();
    assertThat(rows.get(0).<Long>getAs("pattern_however")).isEqualTo(1L);
    assertThat(rows.get(0).<Boolean>getAs("step_moment")).isFalse();
  }

  @Test
  void examplesPutReflectingCorrectResponsesFirst() {
    List<ResponseExample> examples = RunAnalysis.open(spark, handRun, false).examples(1, 4);
    // reflecting: r0 (correct), r5 (correct), r1 (wrong); then non-reflecting correct r2
    assertThat(examples)
        .extracting(e -> e.promptId() + e.sampleIndex())
        .containsExactly("a0", "c1", "a1", "b0");
    assertThat(examples.get(1).patterns()).containsExactly("retry", "alternatively,");
  }

  @Test
  void stepRunFlagsTheStepAndReadsMergedMetricsAndEval() {
    Path run = SyntheticRun.writeStepRun(spark, tmp.resolve("step-run"), 12, 7);
    RunAnalysis analysis = RunAnalysis.open(spark, run, false);
    List<IterationStats> stats = analysis.iterationStats(new StepMoments.Rule(3, 3, 0.1));
    assertThat(stats).hasSize(12);
    assertThat(stats)
        .filteredOn(IterationStats::stepMoment)
        .extracting(IterationStats::iteration)
        .containsExactly(7);
    assertThat(stats.get(0).value(IterationMetrics.REWARD_MEAN)).isEqualTo(0.25);
    assertThat(stats.get(6).value(IterationMetrics.REWARD_MEAN)).isEqualTo(0.625);
    assertThat(stats.get(6).value(IterationMetrics.REFLECTING_RESPONSES)).isEqualTo(4.0);

    MetricsTable metrics = analysis.metrics().orElseThrow();
    assertThat(metrics.iterations()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(metrics.columns()).containsKeys("reward/mean", "losses/policy", "reflection/share");
    assertThat(metrics.columns().get("reflection/share")[1])
        .as("column added at iteration 3")
        .isNaN();
    assertThat(metrics.columns().get("reflection/share")[2]).isEqualTo(0.125);
    assertThat(metrics.columns().get("reward/mean")[6])
        .isEqualTo(stats.get(6).value(IterationMetrics.REWARD_MEAN));
    assertThat(analysis.eval().orElseThrow().count()).isEqualTo(6);
  }

  @Test
  void aRunWithoutRolloutsHasNoStatsAndSaysWhy() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty-run"));
    RunAnalysis analysis = RunAnalysis.open(spark, empty, false);
    assertThat(analysis.iterationStats(StepMoments.Rule.DEFAULT)).isEmpty();
    assertThat(analysis.metrics()).isEmpty();
    assertThat(analysis.eval()).isEmpty();
    assertThatThrownBy(analysis::rollouts).hasMessageContaining("no complete rollouts");
    assertThatThrownBy(() -> RunAnalysis.open(spark, tmp.resolve("missing"), false))
        .hasMessageContaining("does not exist");
  }
}
