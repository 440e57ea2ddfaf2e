package org.orzspark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.orzspark.analysis.IterationStats;
import org.orzspark.analysis.ResponseExample;
import org.orzspark.analysis.RunAnalysis;
import org.orzspark.analysis.StepMoments;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;

/**
 * The run report {@code R/reports/index.html}: charts (PNG files beside it) of the rollout series,
 * step moments, the per-iteration table, training metrics and evaluation results when written, and
 * example responses with their reflection patterns highlighted. {@code orz analyze} and {@code orz
 * demo} both write it through {@link #write(SparkSession, RunLayout, Options)}. The folder is
 * written atomically and replaced as a whole, so {@code reports/} holds only the latest report.
 */
public final class RunReport {

  /**
   * @param caseInsensitive match reflection patterns ignoring case
   * @param exampleIteration the iteration to show examples from; null for the latest
   * @param examples how many example responses
   * @param rule the step-moment rule
   * @param compare another run to draw on the same charts (analysed with the same case setting and
   *     rule); null for none
   */
  public record Options(
      boolean caseInsensitive,
      Integer exampleIteration,
      int examples,
      StepMoments.Rule rule,
      RunLayout compare) {
    public static final int EXAMPLES_DEFAULT = 5;
    public static final Options DEFAULTS =
        new Options(false, null, EXAMPLES_DEFAULT, StepMoments.Rule.DEFAULT);

    /** Options of a report of one run. */
    public Options(
        boolean caseInsensitive, Integer exampleIteration, int examples, StepMoments.Rule rule) {
      this(caseInsensitive, exampleIteration, examples, rule, null);
    }

    /** These options comparing with {@code other}. */
    public Options comparedWith(RunLayout other) {
      return new Options(caseInsensitive, exampleIteration, examples, rule, other);
    }
  }

  /**
   * @param index the written {@code index.html}
   * @param charts the PNG files next to it
   * @param iterations complete iterations reported
   * @param stepMoments iterations flagged as step moments
   */
  public record Result(
      Path index, List<String> charts, int iterations, List<Integer> stepMoments) {}

  private RunReport() {}

  /** Analyses the run and writes {@code R/reports/}. */
  public static Result write(SparkSession spark, RunLayout run, Options options) {
    RunAnalysis analysis = RunAnalysis.open(spark, run, options.caseInsensitive());
    ReportData data = collect(analysis, analysis.iterationStats(options.rule()), options);
    return write(data, analysis.layout().reports(), spark.sparkContext().hadoopConfiguration());
  }

  /** {@link #write(SparkSession, RunLayout, Options)} of a local run directory. */
  public static Result write(SparkSession spark, java.nio.file.Path runDir, Options options) {
    return write(spark, new RunLayout(runDir), options);
  }

  /** The report's data from an analysis whose per-iteration figures are already computed. */
  public static ReportData collect(
      RunAnalysis analysis, List<IterationStats> stats, Options options) {
    List<Integer> iterations = stats.stream().map(IterationStats::iteration).toList();
    OptionalInt exampleIteration = OptionalInt.empty();
    if (options.exampleIteration() != null) {
      if (!iterations.contains(options.exampleIteration())) {
        throw new IllegalArgumentException(
            "no complete iteration "
                + options.exampleIteration()
                + " to show examples from; complete: "
                + iterations);
      }
      exampleIteration = OptionalInt.of(options.exampleIteration());
    } else if (!iterations.isEmpty()) {
      exampleIteration = OptionalInt.of(iterations.get(iterations.size() - 1));
    }
    List<ResponseExample> examples =
        exampleIteration.isPresent()
            ? analysis.examples(exampleIteration.getAsInt(), options.examples())
            : List.of();
    Optional<EvalResults> eval = analysis.eval().map(EvalResults::collect);
    return new ReportData(
        analysis.layout().root(),
        options.caseInsensitive(),
        stats,
        analysis.rolloutIterations().incomplete(),
        analysis.metrics(),
        eval,
        exampleIteration,
        examples,
        settings(analysis, iterations),
        Optional.ofNullable(options.compare())
            .map(other -> comparison(analysis, stats, eval, other, options)));
  }

  private static SettingsSection settings(RunAnalysis analysis, List<Integer> iterations) {
    try {
      return SettingsSection.read(
          RunStore.open(analysis.spark().sparkContext().hadoopConfiguration(), analysis.layout()),
          iterations);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the run directory " + analysis.layout(), e);
    }
  }

  /** This run's curves and those of {@code other}, named for the legends. */
  private static Comparison comparison(
      RunAnalysis analysis,
      List<IterationStats> stats,
      Optional<EvalResults> eval,
      RunLayout other,
      Options options) {
    RunAnalysis theirs = RunAnalysis.open(analysis.spark(), other, options.caseInsensitive());
    List<IterationStats> theirStats = theirs.iterationStats(options.rule());
    if (theirStats.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to compare with: "
              + other.root()
              + " has no complete iteration under rollouts/ (iteration=N with _SUCCESS)");
    }
    RunLayout mine = analysis.layout();
    List<String> names =
        Comparison.names(
            mine.name(), mine.root().toString(), other.name(), other.root().toString());
    return new Comparison(
        List.of(
            new Comparison.Curves(names.get(0), stats, eval),
            new Comparison.Curves(
                names.get(1), theirStats, theirs.eval().map(EvalResults::collect))));
  }

  /** Renders {@code data} into {@code reportsDir} atomically (charts first, then the page). */
  public static Result write(ReportData data, Path reportsDir, Configuration conf) {
    List<ReportCharts.Figure> figures = ReportCharts.all(data);
    try (AtomicOutput out = AtomicOutput.begin(conf, reportsDir.toString(), true)) {
      FileSystem fs = new Path(out.temp()).getFileSystem(conf);
      List<String> files = new ArrayList<>();
      for (ReportCharts.Figure f : figures) {
        try (OutputStream png = fs.create(new Path(out.resolve(f.file())), false)) {
          png.write(Charts.png(f.chart()));
        }
        files.add(f.file());
      }
      out.writeText(
          "index.html",
          ReportHtml.render(data, figures, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
      out.commit();
      return new Result(
          new Path(reportsDir, "index.html"),
          List.copyOf(files),
          data.iterations().size(),
          data.stepMoments());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + reportsDir, e);
    }
  }
}
