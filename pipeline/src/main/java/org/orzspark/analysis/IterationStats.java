package org.orzspark.analysis;

import java.util.Map;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.Metric;

/**
 * One iteration's figures from its rollouts (a row of the analysis table; the paper's Figure 7 is
 * these over iterations): the value of every rollout metric of {@link IterationMetrics}, by name.
 * Means over no responses are NaN (null in the tables).
 *
 * @param iteration the iteration
 * @param values per {@link Metric#name()}, the value of every {@link Metric.Source#ROLLOUTS} metric
 * @param stepMoment whether the step-moment rule flagged this iteration
 */
public record IterationStats(int iteration, Map<String, Double> values, boolean stepMoment) {

  public IterationStats {
    values = Map.copyOf(values);
  }

  /** The value of {@code metric}; NaN when undefined. */
  public double value(Metric metric) {
    Double value = values.get(metric.name());
    if (value == null) {
      throw new IllegalArgumentException(
          "no value of " + metric.name() + " (not aggregated over the rollouts)");
    }
    return value;
  }

  public IterationStats withStepMoment(boolean flagged) {
    return new IterationStats(iteration, values, flagged);
  }
}
