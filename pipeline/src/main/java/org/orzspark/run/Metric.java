package org.orzspark.run;

import java.util.Optional;
import org.apache.spark.sql.Column;

/**
 * One per-iteration metric, defined once ({@link IterationMetrics}) and used under its {@link
 * #name} by the metrics stage, the analysis, the report and the notebooks.
 *
 * @param name the key in {@code R/metrics/metrics.jsonl} and the column of {@code R/metrics/}
 *     ({@code reward/mean}); namespaced like CleanRL's
 * @param description what it measures, in one sentence
 * @param source which stage's output it is computed from
 * @param count a whole number (a count of responses or tokens) rather than a mean or a rate
 * @param aggregate for a {@link Source#ROLLOUTS} metric: how it is aggregated over one iteration's
 *     scored rollouts with the columns {@link IterationMetrics#PATTERNS}, {@link
 *     IterationMetrics#REFLECTING} and {@link IterationMetrics#WELL_FORMED} added; null otherwise
 * @param analysisColumn the documented alias under which {@code orz analyze} writes it in {@code
 *     R/analysis/iterations} (Parquet and CSV, an output schema older than this catalogue); null
 *     when the analysis table does not carry it
 */
public record Metric(
    String name,
    String description,
    Source source,
    boolean count,
    Column aggregate,
    String analysisColumn) {

  /** Where a metric's value comes from. */
  public enum Source {
    /** Aggregated over the iteration's scored rollouts ({@code R/rollouts/iteration=N/}). */
    ROLLOUTS,
    /** Reported by the update stage in {@code update.json} of the new checkpoint. */
    UPDATE,
    /** From the stage records (wall times, experience statistics) or derived from other metrics. */
    STAGES
  }

  /** The alias of {@link #analysisColumn}, when the analysis table carries this metric. */
  public Optional<String> analysisAlias() {
    return Optional.ofNullable(analysisColumn);
  }

  @Override
  public String toString() {
    return name;
  }
}
