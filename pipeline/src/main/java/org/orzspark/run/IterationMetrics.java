package org.orzspark.run;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.orzspark.reward.ReflectionPatterns;
import org.orzspark.reward.verify.Verdict;

/**
 * Every per-iteration metric, defined once: its name (the {@code metrics.jsonl} key and the column
 * of {@code R/metrics/iteration=N/}), what it measures, and how it is aggregated. The metrics stage
 * computes the {@link Metric.Source#ROLLOUTS} metrics with {@link #aggregates()} over one
 * iteration's scored rollouts, the analysis with the same expressions grouped by iteration, so the
 * two cannot disagree; the report and the notebooks look values up by these constants.
 *
 * <p>The table of {@code R/metrics/} is one row per iteration ({@value #ITERATION} is its partition
 * folder, not a column), one double column per metric name; columns are only ever added.
 */
public final class IterationMetrics {
  /** The partition column of {@code R/metrics/}, the first key of a {@code metrics.jsonl} line. */
  public static final String ITERATION = "iteration";

  /** Added to the rollouts before aggregating: the reflection patterns found (reference order). */
  public static final String PATTERNS = "patterns";

  /** Added: whether {@link #PATTERNS} is non-empty. */
  public static final String REFLECTING = "reflecting";

  /** Added: whether the response follows the ORZ format. */
  public static final String WELL_FORMED = "well_formed";

  private static final Column REWARD = col(RolloutTable.REWARD);
  private static final Column LENGTH = col(RolloutTable.RESPONSE_LENGTH);
  private static final Column IS_REFLECTING = col(REFLECTING);

  private static final List<Metric> ALL_METRICS = new ArrayList<>();
  private static final Map<String, Metric> PATTERN_COUNTS = new LinkedHashMap<>();

  // Rollout metrics, in the column order of the analysis table (R/analysis/iterations).

  public static final Metric RESPONSES =
      rollouts("rollout/responses", "responses in the rollouts", true, count(lit(1)), "responses");
  public static final Metric REWARD_MEAN =
      rollouts(
          "reward/mean",
          "mean reward (= accuracy, the reward being 0 or 1)",
          false,
          avg(REWARD),
          "reward_mean");
  public static final Metric RESPONSE_LENGTH_MEAN =
      rollouts(
          "response/length_mean",
          "mean response length in tokens",
          false,
          avg(LENGTH),
          "response_length_mean");
  public static final Metric RESPONSE_LENGTH_P50 =
      rollouts(
          "response/length_p50",
          "median response length (exact percentile, linear interpolation)",
          false,
          percentile(LENGTH, lit(0.5)),
          "response_length_p50");
  public static final Metric RESPONSE_LENGTH_P90 =
      rollouts(
          "response/length_p90",
          "90th percentile of the response length (same)",
          false,
          percentile(LENGTH, lit(0.9)),
          "response_length_p90");
  public static final Metric FORMAT_RATE =
      rollouts(
          "format/rate",
          "share of well-formed responses (<think>…</think> <answer>…</answer>)",
          false,
          avg(col(WELL_FORMED).cast("double")),
          "format_rate");
  public static final Metric REFLECTING_RESPONSES =
      rollouts(
          "reflection/responses",
          "responses with at least one reflection pattern",
          true,
          count(when(IS_REFLECTING, 1)),
          "reflecting_responses");
  public static final Metric REFLECTION_SHARE =
      rollouts(
          "reflection/share",
          "share of responses with a reflection pattern",
          false,
          avg(when(IS_REFLECTING, 1.0).otherwise(0.0)),
          "reflection_share");

  static {
    for (String pattern : ReflectionPatterns.NAMES) {
      PATTERN_COUNTS.put(
          pattern,
          rollouts(
              "reflection/count/" + pattern,
              "responses containing '" + pattern + "'",
              true,
              count(when(array_contains(col(PATTERNS), pattern), 1)),
              "pattern_" + pattern.replaceAll("[^A-Za-z]", "")));
    }
  }

  public static final Metric CORRECT_REFLECTION_LENGTH_MEAN =
      rollouts(
          "reflection/correct_length_mean",
          "mean length of the correct responses with a reflection pattern (the paper's average"
              + " correct reflection length)",
          false,
          avg(when(IS_REFLECTING.and(RolloutTable.correct()), LENGTH)),
          "correct_reflection_length_mean");
  public static final Metric ACCURACY_REFLECTING =
      rollouts(
          "reflection/accuracy_reflecting",
          "mean reward of the responses with a pattern",
          false,
          avg(when(IS_REFLECTING, REWARD)),
          "accuracy_reflecting");
  public static final Metric ACCURACY_NOT_REFLECTING =
      rollouts(
          "reflection/accuracy_not_reflecting",
          "mean reward of the responses without a pattern",
          false,
          avg(when(not(IS_REFLECTING), REWARD)),
          "accuracy_non_reflecting");
  public static final Metric TRUNCATED_RATE =
      rollouts(
          "response/truncated_rate",
          "share of responses cut off by the length limit",
          false,
          avg(
              when(col(RolloutTable.FINISH_REASON).equalTo(RolloutTable.FINISH_LENGTH), 1.0)
                  .otherwise(0.0)),
          null);
  public static final Metric TOKENS =
      rollouts("rollout/tokens", "response tokens generated", true, sum(LENGTH), null);
  // Verdicts the verifier could not reach: a rising share is a verifier problem, not a policy one.
  public static final Metric VERIFY_TIMEOUT_RATE =
      rollouts(
          "reward/verify_timeout_rate",
          "share of responses whose verification timed out",
          false,
          reasonShare(Verdict.TIMEOUT),
          null);
  public static final Metric VERIFY_TOO_LARGE_RATE =
      rollouts(
          "reward/verify_too_large_rate",
          "share of responses whose answer was too large to verify",
          false,
          reasonShare(Verdict.TOO_LARGE),
          null);
  public static final Metric VERIFY_INTERNAL_ERROR_RATE =
      rollouts(
          "reward/verify_internal_error_rate",
          "share of responses whose verification failed internally",
          false,
          reasonShare(Verdict.INTERNAL_ERROR),
          null);

  // Update metrics: update.json of the new checkpoint, written by the update stage's task 0.

  public static final Metric LOSS_POLICY =
      update("losses/policy", "policy loss, mean over the iteration's policy steps");
  public static final Metric LOSS_VALUE =
      update("losses/value", "value loss, mean over the iteration's critic steps");
  public static final Metric CLIP_FRACTION =
      update("losses/clipfrac", "share of response tokens whose ratio was clipped");
  public static final Metric APPROX_KL =
      update("losses/approx_kl", "approximate KL between the generating and updated policy");
  public static final Metric POLICY_ENTROPY =
      update(
          "policy/entropy",
          "mean next-token entropy over response tokens, in nats (detached, policy forward)");
  public static final Metric GRAD_NORM =
      update("grad/norm", "policy gradient norm of the iteration's last policy step");
  public static final Metric CRITIC_GRAD_NORM =
      update("grad/critic_norm", "critic gradient norm, mean over the critic steps");
  public static final Metric POLICY_LR =
      update("optim/policy_lr", "policy learning rate of the last policy step");
  public static final Metric POLICY_STEPS =
      update("optim/policy_steps", "policy optimizer steps taken since the run began");
  public static final Metric CRITIC_STEPS =
      update("optim/critic_steps", "critic optimizer steps taken since the run began");
  public static final Metric REPLICAS = update("update/replicas", "replicas of the update stage");
  public static final Metric ALLREDUCE_CALLS =
      update("update/allreduce_calls", "gradient all-reduce calls of one replica");
  public static final Metric ALLREDUCE_SECONDS_PER_STEP =
      update("update/allreduce_s_per_step", "seconds per gradient all-reduce call");
  public static final Metric ALLREDUCE_WAIT_SECONDS_PER_STEP =
      update(
          "update/allreduce_wait_s_per_step",
          "of those, seconds waiting for the other replicas to reach the step (load imbalance)");
  public static final Metric OPTIMIZER_BYTES =
      update(
          "update/optimizer_bytes_per_replica",
          "bytes of Adam moments (policy + critic) replica 0 held: all of them, or its 1/K shard"
              + " with update.sharding=optimizer");
  public static final Metric UPDATE_TASK_SECONDS =
      update("time/update_task_s", "wall time of the update inside replica 0's task");
  public static final Metric UPDATE_LOAD_SECONDS =
      update(
          "time/update_load_s",
          "of it, before the first optimizer step: experience rows, models, optimizer state, ring");
  public static final Metric UPDATE_COMPUTE_SECONDS =
      update(
          "time/update_compute_s",
          "of it, model compute: forwards, backwards and optimizer steps (all-reduce excluded)");

  // Stage records and the driver's clock.

  public static final Metric SAMPLE_SECONDS =
      stages("time/sample_s", "wall time of the sample stage");
  public static final Metric ROLLOUT_SECONDS =
      stages("time/rollout_s", "wall time of the rollout stage (generation)");
  public static final Metric SCORE_SECONDS = stages("time/score_s", "wall time of the score stage");
  public static final Metric EXPERIENCE_SECONDS =
      stages("time/experience_s", "wall time of the experience stage");
  public static final Metric UPDATE_SECONDS =
      stages(
          "time/update_s",
          "wall time of the update stage on the driver (absent when the"
              + " metrics of an interrupted iteration are completed later)");
  public static final Metric ITERATION_SECONDS =
      stages("time/iteration_s", "wall time of the iteration on the driver (same)");
  public static final Metric ADVANTAGE_MEAN_RAW =
      stages("advantage/mean_raw", "mean of the GAE advantages before normalisation");
  public static final Metric ADVANTAGE_STD_RAW =
      stages("advantage/std_raw", "standard deviation of the GAE advantages before normalisation");
  public static final Metric TOKENS_PER_SECOND =
      stages("throughput/tokens_per_s", "rollout/tokens / time/rollout_s");

  private IterationMetrics() {}

  /** Every metric, rollout metrics first (in analysis-table order). */
  public static List<Metric> all() {
    return Collections.unmodifiableList(ALL_METRICS);
  }

  /** The metrics aggregated over the rollouts, in analysis-table order. */
  public static List<Metric> rolloutMetrics() {
    return ALL_METRICS.stream().filter(m -> m.source() == Metric.Source.ROLLOUTS).toList();
  }

  /** The metric named {@code name}. */
  public static Metric named(String name) {
    return ALL_METRICS.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no metric named '" + name + "'"));
  }

  /** The wall time of stage {@code stage}: {@code rollout} → {@code time/rollout_s}. */
  public static Metric stageSeconds(String stage) {
    return named("time/" + stage + "_s");
  }

  /** The count of responses containing {@code pattern} (one of ReflectionPatterns.NAMES). */
  public static Metric patternCount(String pattern) {
    Metric metric = PATTERN_COUNTS.get(pattern);
    if (metric == null) {
      throw new IllegalArgumentException(
          "no reflection pattern '" + pattern + "'; known: " + ReflectionPatterns.NAMES);
    }
    return metric;
  }

  /**
   * Scored rollouts with the columns the aggregates read: {@link #PATTERNS}, {@link #REFLECTING}
   * and {@link #WELL_FORMED}.
   *
   * @param patterns the reflection patterns of a row (the stored {@code reflection_patterns}, or
   *     recomputed with another case setting)
   * @param wellFormed the format flag of a row
   */
  public static Dataset<Row> withAggregateInputs(
      Dataset<Row> rollouts, Column patterns, Column wellFormed) {
    return rollouts
        .withColumn(PATTERNS, patterns)
        .withColumn(REFLECTING, size(col(PATTERNS)).gt(0))
        .withColumn(WELL_FORMED, wellFormed);
  }

  /** The aggregates of every rollout metric, each aliased with its name. */
  public static Column[] aggregates() {
    return rolloutMetrics().stream().map(m -> m.aggregate().as(m.name())).toArray(Column[]::new);
  }

  /** Reads the rollout metrics of a row of {@link #aggregates()} by name; null reads as NaN. */
  public static Map<String, Double> rolloutValues(Row row) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Metric metric : rolloutMetrics()) {
      int i = row.fieldIndex(metric.name());
      values.put(metric.name(), row.isNullAt(i) ? Double.NaN : ((Number) row.get(i)).doubleValue());
    }
    return values;
  }

  /** 1 for a row whose verify reason is {@code reason}, else 0 (a null reason included). */
  private static Column reasonShare(String reason) {
    return avg(when(col(RolloutTable.VERIFY_REASON).equalTo(reason), 1.0).otherwise(0.0));
  }

  private static Metric rollouts(
      String name, String description, boolean count, Column aggregate, String analysisColumn) {
    return add(
        new Metric(name, description, Metric.Source.ROLLOUTS, count, aggregate, analysisColumn));
  }

  private static Metric update(String name, String description) {
    return add(new Metric(name, description, Metric.Source.UPDATE, false, null, null));
  }

  private static Metric stages(String name, String description) {
    return add(new Metric(name, description, Metric.Source.STAGES, false, null, null));
  }

  private static Metric add(Metric metric) {
    ALL_METRICS.add(metric);
    return metric;
  }
}
