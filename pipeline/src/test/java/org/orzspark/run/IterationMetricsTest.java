package org.orzspark.run;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.orzspark.analysis.RunAnalysis;
import org.orzspark.testing.SharedSpark;

class IterationMetricsTest {

  private static Row rollout(
      int i,
      float reward,
      int length,
      String finish,
      String reason,
      Boolean formatOk,
      List<String> patterns) {
    return new NamedRow(RolloutTable.ROLLOUTS)
        .set(RolloutTable.PROMPT_ID, "p" + i)
        .set(RolloutTable.SAMPLE_INDEX, 0)
        .set(RolloutTable.QUESTION, "q")
        .set(RolloutTable.GROUND_TRUTH, "1")
        .set(RolloutTable.PROMPT_TOKEN_IDS, new int[] {1})
        .set(RolloutTable.RESPONSE_TOKEN_IDS, new int[length])
        .set(RolloutTable.RESPONSE, "r")
        .set(RolloutTable.SAMPLING_LOGPROBS, new float[length])
        .set(RolloutTable.FINISH_REASON, finish)
        .set(RolloutTable.RESPONSE_LENGTH, length)
        .set(RolloutTable.REWARD, reward)
        .set(RolloutTable.VERIFY_REASON, reason)
        .set(RolloutTable.FORMAT_OK, formatOk)
        .set(RolloutTable.REFLECTION_PATTERNS, patterns.toArray(String[]::new))
        .build();
  }

  /**
   *
   *
   * <pre>
   * row reward length finish  reason   format patterns
   * 0   1      10     stop    -        true   wait,
   * 1   0      20     stop    timeout  false  -
   * 2   1      30     length  -        true   wait, retry
   * 3   0      40     stop    -        true   -
   * </pre>
   */
  @Test
  void everyRolloutMetricEqualsTheHandValue() {
    SparkSession spark = SharedSpark.session();
    var rows =
        spark.createDataFrame(
            List.of(
                rollout(0, 1f, 10, "stop", null, true, List.of("wait,")),
                rollout(1, 0f, 20, "stop", "timeout", false, List.of()),
                rollout(2, 1f, 30, "length", null, true, List.of("wait,", "retry")),
                rollout(3, 0f, 40, "stop", null, true, List.of())),
            RolloutTable.ROLLOUTS);
    Column[] aggregates = IterationMetrics.aggregates();
    Row row =
        IterationMetrics.withAggregateInputs(
                rows, col(RolloutTable.REFLECTION_PATTERNS), col(RolloutTable.FORMAT_OK))
            .agg(aggregates[0], Arrays.copyOfRange(aggregates, 1, aggregates.length))
            .first();
    Map<String, Double> v = IterationMetrics.rolloutValues(row);
    assertThat(v.keySet())
        .containsExactlyElementsOf(
            IterationMetrics.rolloutMetrics().stream().map(Metric::name).toList());
    assertThat(v.get("rollout/responses")).isEqualTo(4.0);
    assertThat(v.get("reward/mean")).isEqualTo(0.5);
    assertThat(v.get("response/length_mean")).isEqualTo(25.0);
    // sorted 10 20 30 40: p50 at position 1.5 -> 25; p90 at 2.7 -> 30 + 0.7 * 10
    assertThat(v.get("response/length_p50")).isEqualTo(25.0);
    assertThat(v.get("response/length_p90")).isCloseTo(37.0, within(1e-9));
    assertThat(v.get("format/rate")).isEqualTo(0.75);
    assertThat(v.get("reflection/responses")).isEqualTo(2.0);
    assertThat(v.get("reflection/share")).isEqualTo(0.5);
    assertThat(v.get("reflection/count/wait,")).isEqualTo(2.0);
    assertThat(v.get("reflection/count/retry")).isEqualTo(1.0);
    assertThat(v.get("reflection/count/recheck")).isZero();
    // correct and reflecting: rows 0 (10) and 2 (30)
    assertThat(v.get("reflection/correct_length_mean")).isEqualTo(20.0);
    assertThat(v.get("reflection/accuracy_reflecting")).isEqualTo(1.0);
    assertThat(v.get("reflection/accuracy_not_reflecting")).isZero();
    assertThat(v.get("response/truncated_rate")).isEqualTo(0.25);
    assertThat(v.get("rollout/tokens")).isEqualTo(100.0);
    assertThat(v.get("reward/verify_timeout_rate")).isEqualTo(0.25);
    assertThat(v.get("reward/verify_too_large_rate")).isZero();
    assertThat(v.get("reward/verify_internal_error_rate")).isZero();
  }

  @Test
  void namesAreUniqueAndTheMetricsJsonlKeysUsersReadAreDefined() {
    List<String> names = IterationMetrics.all().stream().map(Metric::name).toList();
    assertThat(new HashSet<>(names)).hasSameSizeAs(names);
    // keys metrics.jsonl carried before the catalogue existed
    assertThat(names)
        .contains(
            "reward/mean",
            "response/length_mean",
            "response/length_p50",
            "response/length_p90",
            "format/rate",
            "reflection/share",
            "reflection/correct_length_mean",
            "reflection/accuracy_reflecting",
            "reflection/accuracy_not_reflecting",
            "response/truncated_rate",
            "rollout/tokens",
            "rollout/responses",
            "reward/verify_timeout_rate",
            "reward/verify_too_large_rate",
            "reward/verify_internal_error_rate",
            "reflection/count/wait,",
            "reflection/count/recheck",
            "reflection/count/retry",
            "reflection/count/alternatively,",
            "reflection/count/however,",
            "losses/policy",
            "losses/value",
            "losses/clipfrac",
            "losses/approx_kl",
            "policy/entropy",
            "grad/norm",
            "grad/critic_norm",
            "optim/policy_lr",
            "optim/policy_steps",
            "optim/critic_steps",
            "update/replicas",
            "update/allreduce_calls",
            "update/allreduce_s_per_step",
            "time/update_task_s",
            "time/sample_s",
            "time/rollout_s",
            "time/score_s",
            "time/experience_s",
            "time/update_s",
            "time/iteration_s",
            "advantage/mean_raw",
            "advantage/std_raw",
            "throughput/tokens_per_s");
    assertThat(IterationMetrics.all()).allSatisfy(m -> assertThat(m.description()).isNotBlank());
    assertThat(IterationMetrics.named("reward/mean")).isSameAs(IterationMetrics.REWARD_MEAN);
    assertThat(IterationMetrics.stageSeconds("rollout")).isSameAs(IterationMetrics.ROLLOUT_SECONDS);
    assertThat(IterationMetrics.stageSeconds("update")).isSameAs(IterationMetrics.UPDATE_SECONDS);
    assertThatThrownBy(() -> IterationMetrics.stageSeconds("warmup"))
        .hasMessageContaining("time/warmup_s");
  }

  @Test
  void theAnalysisTableKeepsItsColumnNamesAsAliases() {
    List<String> legacy =
        new ArrayList<>(
            List.of(
                "iteration",
                "responses",
                "reward_mean",
                "response_length_mean",
                "response_length_p50",
                "response_length_p90",
                "format_rate",
                "reflecting_responses",
                "reflection_share",
                "pattern_wait",
                "pattern_recheck",
                "pattern_retry",
                "pattern_alternatively",
                "pattern_however",
                "correct_reflection_length_mean",
                "accuracy_reflecting",
                "accuracy_non_reflecting",
                "step_moment"));
    assertThat(RunAnalysis.ITERATION_TABLE.fieldNames()).containsExactlyElementsOf(legacy);
    assertThat(IterationMetrics.REWARD_MEAN.analysisAlias()).contains("reward_mean");
    assertThat(IterationMetrics.TOKENS.analysisAlias()).isEmpty();
  }
}
