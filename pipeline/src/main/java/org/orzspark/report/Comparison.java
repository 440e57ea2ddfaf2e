package org.orzspark.report;

import java.util.List;
import java.util.Optional;
import org.orzspark.analysis.IterationStats;

/**
 * Two runs side by side ({@code orz analyze --run-dir A --compare B}): the report's run first, the
 * run it is compared with second; the comparison charts draw one line per run, named as here.
 */
public record Comparison(List<Curves> runs) {

  /**
   * One run's series.
   *
   * @param name the run's name in the legends
   * @param stats its per-iteration figures, ascending
   * @param eval its evaluation results, when it has any
   */
  public record Curves(String name, List<IterationStats> stats, Optional<EvalResults> eval) {}

  /**
   * Legend names for two run directories: their last names, or the whole paths when the last names
   * are the same ({@code a/run} vs {@code b/run}).
   */
  public static List<String> names(
      String first, String firstPath, String second, String secondPath) {
    return first.equals(second) ? List.of(firstPath, secondPath) : List.of(first, second);
  }
}
