package org.orzspark.report;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hadoop.fs.Path;
import org.orzspark.analysis.IterationStats;
import org.orzspark.analysis.MetricsTable;
import org.orzspark.analysis.ResponseExample;

/**
 * Everything the run report shows, collected on the driver (a few rows per iteration).
 *
 * @param runDir the run directory
 * @param caseInsensitive how the reflection patterns were matched
 * @param iterations per-iteration figures, ascending, step moments flagged
 * @param incompleteIterations iterations whose rollouts are still being written
 * @param metrics the training metrics, when written
 * @param eval the evaluation results, when {@code R/eval/} exists
 * @param exampleIteration the iteration the examples come from, when there are iterations
 * @param examples responses to read, with their patterns highlighted
 * @param settings the run's configuration and provenance
 * @param comparison this run's and another run's curves, when asked for
 */
public record ReportData(
    Path runDir,
    boolean caseInsensitive,
    List<IterationStats> iterations,
    List<Integer> incompleteIterations,
    Optional<MetricsTable> metrics,
    Optional<EvalResults> eval,
    OptionalInt exampleIteration,
    List<ResponseExample> examples,
    SettingsSection settings,
    Optional<Comparison> comparison) {

  /** The iterations flagged as step moments. */
  public List<Integer> stepMoments() {
    return iterations.stream()
        .filter(IterationStats::stepMoment)
        .map(IterationStats::iteration)
        .toList();
  }

  /** The iteration numbers, in order. */
  public List<Integer> iterationNumbers() {
    return iterations.stream().map(IterationStats::iteration).toList();
  }
}
