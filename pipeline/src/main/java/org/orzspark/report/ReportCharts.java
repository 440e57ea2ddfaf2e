package org.orzspark.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.jfree.chart.JFreeChart;
import org.orzspark.analysis.IterationStats;
import org.orzspark.analysis.MetricsTable;
import org.orzspark.analysis.Smoothing;
import org.orzspark.reward.ReflectionPatterns;
import org.orzspark.run.EvalTable;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.Metric;

/** The charts of a run report, by section; notebooks show the same charts. */
public final class ReportCharts {

  public static final String CURVES = "Training curves";
  public static final String REFLECTION = "Reflection";
  public static final String METRICS = "Training metrics";
  public static final String EVALUATION = "Evaluation";
  public static final String COMPARISON = "Comparison";

  /** Iterations in the trailing mean drawn beside the reward and format-rate curves. */
  static final int SMOOTHING_WINDOW = 10;

  /** Titles of the evaluation charts whose metric is a share of [0, 1], by column. */
  private static final Map<String, String> EVAL_RATES =
      Map.of(
          EvalTable.AVG_AT_K, "Held-out accuracy (avg@k)",
          EvalTable.PASS_AT_K, "Held-out pass@k",
          EvalTable.MAJ_AT_K, "Held-out majority-vote accuracy (maj@k)",
          EvalTable.FORMAT_RATE, "Held-out format rate");

  /**
   * A chart and where it goes.
   *
   * @param file PNG file name in {@code reports/}
   * @param section report section
   */
  public record Figure(String file, String section, JFreeChart chart) {}

  private ReportCharts() {}

  /**
   * Every chart the data allows, in page order: comparison, rollout series, training metrics,
   * evaluation.
   */
  public static List<Figure> all(ReportData data) {
    List<Figure> figures = new ArrayList<>();
    data.comparison().ifPresent(c -> figures.addAll(comparison(c)));
    figures.addAll(rollouts(data.iterations()));
    data.metrics().ifPresent(m -> figures.addAll(metrics(m, data.stepMoments())));
    data.eval().filter(EvalResults::chartable).ifPresent(e -> figures.addAll(eval(e)));
    return figures;
  }

  /** The per-iteration series from the rollouts; empty for no iterations. */
  public static List<Figure> rollouts(List<IterationStats> stats) {
    if (stats.isEmpty()) {
      return List.of();
    }
    List<Integer> x = stats.stream().map(IterationStats::iteration).toList();
    List<Integer> steps =
        stats.stream().filter(IterationStats::stepMoment).map(IterationStats::iteration).toList();
    List<Figure> out = new ArrayList<>();
    out.add(
        figure(
            true,
            "reward.png",
            CURVES,
            "Training reward",
            "mean reward",
            x,
            steps,
            smoothed(series(stats, new Line("reward mean", IterationMetrics.REWARD_MEAN)))));
    out.add(
        figure(
            false,
            "response-length.png",
            CURVES,
            "Response length",
            "tokens",
            x,
            steps,
            series(
                stats,
                new Line("mean", IterationMetrics.RESPONSE_LENGTH_MEAN),
                new Line("p50", IterationMetrics.RESPONSE_LENGTH_P50),
                new Line("p90", IterationMetrics.RESPONSE_LENGTH_P90))));
    out.add(
        figure(
            true,
            "format-rate.png",
            CURVES,
            "Format-following rate",
            "share of responses",
            x,
            steps,
            smoothed(series(stats, new Line("format rate", IterationMetrics.FORMAT_RATE)))));
    out.add(
        figure(
            true,
            "reflection-share.png",
            REFLECTION,
            "Responses with a reflection pattern",
            "share of responses",
            x,
            steps,
            series(stats, new Line("reflection share", IterationMetrics.REFLECTION_SHARE))));
    out.add(
        figure(
            false,
            "reflection-length.png",
            REFLECTION,
            "Average correct reflection length vs response length",
            "tokens",
            x,
            steps,
            series(
                stats,
                new Line(
                    "correct responses with a pattern",
                    IterationMetrics.CORRECT_REFLECTION_LENGTH_MEAN),
                new Line("all responses", IterationMetrics.RESPONSE_LENGTH_MEAN))));
    out.add(
        figure(
            true,
            "reflection-accuracy.png",
            REFLECTION,
            "Accuracy of reflecting vs non-reflecting responses",
            "mean reward",
            x,
            steps,
            series(
                stats,
                new Line("with a pattern", IterationMetrics.ACCURACY_REFLECTING),
                new Line("without", IterationMetrics.ACCURACY_NOT_REFLECTING))));
    Map<String, double[]> patterns = new LinkedHashMap<>();
    for (String p : ReflectionPatterns.NAMES) {
      Metric count = IterationMetrics.patternCount(p);
      patterns.put(p, stats.stream().mapToDouble(s -> s.value(count)).toArray());
    }
    out.add(
        figure(
            false,
            "reflection-patterns.png",
            REFLECTION,
            "Responses containing each pattern",
            "responses",
            x,
            steps,
            patterns));
    return out;
  }

  /**
   * The training metrics: one chart per {@code losses/} column (their scales differ), one chart per
   * other prefix ({@code time/}, {@code grad/}, ...) with all its columns; a chart of one column is
   * titled with the column's name.
   */
  public static List<Figure> metrics(MetricsTable table, List<Integer> steps) {
    Map<String, Map<String, double[]>> groups = new LinkedHashMap<>();
    table
        .columns()
        .forEach(
            (name, values) -> {
              int slash = name.indexOf('/');
              String prefix = slash < 0 ? name : name.substring(0, slash);
              String group = prefix.equals("losses") ? name : prefix;
              groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(name, values);
            });
    List<Figure> out = new ArrayList<>();
    groups.forEach(
        (group, series) ->
            out.add(
                figure(
                    false,
                    "metrics-" + group.replaceAll("[^A-Za-z0-9_]+", "-") + ".png",
                    METRICS,
                    series.size() == 1 ? series.keySet().iterator().next() : group,
                    "",
                    table.iterations(),
                    steps,
                    series)));
    return out;
  }

  /**
   * One chart per evaluation metric over checkpoints (checkpoint N is the policy after iteration
   * N), a line per benchmark; the shares (accuracy, pass@k, maj@k, format rate) on a [0, 1] axis.
   */
  public static List<Figure> eval(EvalResults eval) {
    List<Integer> checkpoints = List.copyOf(checkpoints(eval));
    List<Figure> out = new ArrayList<>();
    for (String metric : eval.metricColumns()) {
      out.add(
          new Figure(
              "eval-" + metric.replaceAll("[^A-Za-z0-9_]+", "-") + ".png",
              EVALUATION,
              Charts.lines(
                  EVAL_RATES.getOrDefault(metric, metric),
                  EvalTable.CHECKPOINT,
                  metric,
                  checkpoints,
                  byBenchmark(eval, metric, checkpoints),
                  List.of(),
                  EVAL_RATES.containsKey(metric))));
    }
    return out;
  }

  /**
   * The comparison charts: each run's line on the same axes over the union of their iterations
   * (reward, response length, format rate, reflection share), and the held-out accuracy of each run
   * and benchmark when either run was evaluated.
   */
  public static List<Figure> comparison(Comparison comparison) {
    TreeSet<Integer> union = new TreeSet<>();
    comparison.runs().forEach(r -> r.stats().forEach(s -> union.add(s.iteration())));
    List<Integer> x = List.copyOf(union);
    List<Figure> out = new ArrayList<>();
    out.add(
        compared(
            comparison,
            x,
            true,
            "compare-reward.png",
            "Training reward",
            "mean reward",
            IterationMetrics.REWARD_MEAN));
    out.add(
        compared(
            comparison,
            x,
            false,
            "compare-response-length.png",
            "Mean response length",
            "tokens",
            IterationMetrics.RESPONSE_LENGTH_MEAN));
    out.add(
        compared(
            comparison,
            x,
            true,
            "compare-format-rate.png",
            "Format-following rate",
            "share of responses",
            IterationMetrics.FORMAT_RATE));
    out.add(
        compared(
            comparison,
            x,
            true,
            "compare-reflection-share.png",
            "Responses with a reflection pattern",
            "share of responses",
            IterationMetrics.REFLECTION_SHARE));
    List<Comparison.Curves> evaluated =
        comparison.runs().stream()
            .filter(
                r ->
                    r.eval()
                        .filter(
                            e -> e.chartable() && e.metricColumns().contains(EvalTable.AVG_AT_K))
                        .isPresent())
            .toList();
    if (!evaluated.isEmpty()) {
      TreeSet<Integer> checkpoints = new TreeSet<>();
      evaluated.forEach(r -> checkpoints.addAll(checkpoints(r.eval().orElseThrow())));
      List<Integer> cx = List.copyOf(checkpoints);
      Map<String, double[]> series = new LinkedHashMap<>();
      for (Comparison.Curves run : evaluated) {
        byBenchmark(run.eval().orElseThrow(), EvalTable.AVG_AT_K, cx)
            .forEach((benchmark, values) -> series.put(run.name() + " · " + benchmark, values));
      }
      out.add(
          new Figure(
              "compare-accuracy.png",
              COMPARISON,
              Charts.lines(
                  EVAL_RATES.get(EvalTable.AVG_AT_K),
                  EvalTable.CHECKPOINT,
                  EvalTable.AVG_AT_K,
                  cx,
                  series,
                  List.of(),
                  true)));
    }
    return out;
  }

  /** One line per run of {@code metric}, NaN where a run lacks an iteration of {@code x}. */
  private static Figure compared(
      Comparison comparison,
      List<Integer> x,
      boolean unitRange,
      String file,
      String title,
      String yLabel,
      Metric metric) {
    Map<String, double[]> series = new LinkedHashMap<>();
    for (Comparison.Curves run : comparison.runs()) {
      double[] values = missing(x.size());
      for (IterationStats s : run.stats()) {
        values[x.indexOf(s.iteration())] = s.value(metric);
      }
      series.put(run.name(), values);
    }
    return figure(unitRange, file, COMPARISON, title, yLabel, x, List.of(), series);
  }

  private static TreeSet<Integer> checkpoints(EvalResults eval) {
    TreeSet<Integer> checkpoints = new TreeSet<>();
    for (Row r : eval.rows()) {
      checkpoints.add(((Number) r.getAs(EvalTable.CHECKPOINT)).intValue());
    }
    return checkpoints;
  }

  /** {@code metric} of each benchmark (sorted), parallel to {@code checkpoints}; NaN if absent. */
  private static Map<String, double[]> byBenchmark(
      EvalResults eval, String metric, List<Integer> checkpoints) {
    Map<String, double[]> byBenchmark = new TreeMap<>();
    for (Row r : eval.rows()) {
      double[] values =
          byBenchmark.computeIfAbsent(
              String.valueOf((Object) r.getAs(EvalTable.BENCHMARK)),
              b -> missing(checkpoints.size()));
      int at = checkpoints.indexOf(((Number) r.getAs(EvalTable.CHECKPOINT)).intValue());
      Object value = r.getAs(metric);
      values[at] = value == null ? Double.NaN : ((Number) value).doubleValue();
    }
    return byBenchmark;
  }

  private static double[] missing(int size) {
    double[] values = new double[size];
    Arrays.fill(values, Double.NaN);
    return values;
  }

  /** A line of a rollout chart: its legend name and the metric it draws. */
  private record Line(String name, Metric metric) {}

  private static Map<String, double[]> series(List<IterationStats> stats, Line... lines) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (Line line : lines) {
      out.put(line.name(), stats.stream().mapToDouble(s -> s.value(line.metric())).toArray());
    }
    return out;
  }

  /**
   * Each line of {@code series} followed by its trailing mean over {@link #SMOOTHING_WINDOW}
   * iterations ("... (10-iteration mean)"): the raw line shows the noise of a small batch, the
   * smoothed one the trend.
   */
  static Map<String, double[]> smoothed(Map<String, double[]> series) {
    Map<String, double[]> out = new LinkedHashMap<>();
    series.forEach(
        (name, values) -> {
          out.put(name, values);
          out.put(
              name + " (" + SMOOTHING_WINDOW + "-iteration mean)",
              Smoothing.trailingMean(values, SMOOTHING_WINDOW));
        });
    return out;
  }

  /**
   * A line chart over iterations; {@code unitRange} fixes the y axis to [0, 1] (rates, accuracies).
   */
  private static Figure figure(
      boolean unitRange,
      String file,
      String section,
      String title,
      String yLabel,
      List<Integer> x,
      List<Integer> steps,
      Map<String, double[]> series) {
    return new Figure(
        file,
        section,
        Charts.lines(title, IterationMetrics.ITERATION, yLabel, x, series, steps, unitRange));
  }
}
