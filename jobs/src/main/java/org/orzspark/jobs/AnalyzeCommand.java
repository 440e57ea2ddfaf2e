package org.orzspark.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.analysis.CompleteIterations;
import org.orzspark.analysis.IterationStats;
import org.orzspark.analysis.RunAnalysis;
import org.orzspark.analysis.StepMoments;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.jobs.train.RunSession;
import org.orzspark.report.RunReport;
import org.orzspark.run.RunLayout;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz analyze}: the reflection analysis of a run (finished or in progress) from its
 * rollouts, with step moments, as tables and as the run report.
 *
 * <p>Output folder (default {@code R/analysis}), written atomically ({@code _SUCCESS} last):
 *
 * <pre>
 * DIR/iterations/          one row per complete iteration (RunAnalysis.ITERATION_TABLE), Parquet
 * DIR/iterations.csv       the same, CSV with a header (empty field = undefined mean)
 * DIR/step_moments/        one row per step moment: iteration and the relative jump of each series
 * DIR/step_moments.csv
 * DIR/_SUCCESS
 * </pre>
 *
 * and the report {@code R/reports/index.html} ({@link RunReport}); with {@code --compare B} the
 * report also draws B's curves beside R's.
 *
 * <p>Both are derived from the rollouts, so each run replaces the previous analysis without being
 * asked, and there is no {@code --overwrite}: but only a folder orz wrote is replaced ({@link
 * org.orzspark.datasets.io.OrzOutputs}), so {@code --output} pointed at anything else (a home
 * folder) is refused before any analysis.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description =
        "Reflection-pattern analysis, step moments and the HTML report of a run directory.")
public final class AnalyzeCommand implements Callable<Integer> {

  /** Schema of {@code step_moments/}: relative jumps over the previous window (StepMoments). */
  public static final StructType STEP_MOMENTS =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("iteration", DataTypes.IntegerType, false),
              DataTypes.createStructField("reward_jump", DataTypes.DoubleType, false),
              DataTypes.createStructField("response_length_jump", DataTypes.DoubleType, false),
              DataTypes.createStructField(
                  "correct_reflection_length_jump", DataTypes.DoubleType, false)));

  @Option(
      names = "--run-dir",
      required = true,
      description = "The run directory R: a local path or a Hadoop URI.")
  String runDir;

  @Option(
      names = "--output",
      description =
          "Output folder for the tables (default: R/analysis): a new folder, or one orz wrote (with"
              + " _SUCCESS), which is replaced; any other is refused, exit status 2.")
  String output;

  @Option(
      names = "--compare",
      paramLabel = "RUN_DIR",
      description =
          "Another run directory whose curves the report draws on the same charts as this run's"
              + " (reward, held-out accuracy, response length, format, reflection), with a legend"
              + " naming each run (default: none, this run only).")
  String compare;

  @Option(
      names = "--case-insensitive",
      defaultValue = "false",
      description =
          "Match reflection patterns ignoring case; the reference regexes are case-sensitive"
              + " (default: ${DEFAULT-VALUE}).")
  boolean caseInsensitive;

  @Option(
      names = "--examples-iteration",
      description =
          "Iteration whose responses the report shows as examples (default: the latest complete).")
  Integer examplesIteration;

  @Option(
      names = "--examples",
      defaultValue = "" + RunReport.Options.EXAMPLES_DEFAULT,
      description = "Example responses in the report (default: ${DEFAULT-VALUE}).")
  int examples;

  @Option(
      names = "--step-window",
      defaultValue = "" + StepMoments.Rule.WINDOW_DEFAULT,
      description =
          "Step moments: iterations compared before and after a candidate (default:"
              + " ${DEFAULT-VALUE}).")
  int stepWindow;

  @Option(
      names = "--step-min-z",
      defaultValue = "" + StepMoments.Rule.MIN_Z_DEFAULT,
      description =
          "Step moments: smallest jump in standard deviations of the previous window (default:"
              + " ${DEFAULT-VALUE}).")
  double stepMinZ;

  @Option(
      names = "--step-min-jump",
      defaultValue = "" + StepMoments.Rule.MIN_RELATIVE_JUMP_DEFAULT,
      description =
          "Step moments: smallest jump relative to the previous window's mean (default:"
              + " ${DEFAULT-VALUE}).")
  double stepMinJump;

  /**
   * The outcome of an analysis.
   *
   * @param output the tables folder, qualified
   * @param report the report page
   * @param stats the per-iteration figures
   * @param incomplete iterations still being written (not analysed)
   * @param damaged iterations whose rollouts do not match their marker (not analysed), with why, in
   *     one line; empty when none
   * @param stepMoments iterations flagged as step moments
   */
  public record Result(
      String output,
      Path report,
      List<IterationStats> stats,
      List<Integer> incomplete,
      String damaged,
      List<Integer> stepMoments,
      long wallMillis) {

    /** One line for the console. */
    public String describe() {
      return String.format(
          "analyze: %d iteration(s)%s%s, step moments %s in %.1f s -> %s, %s",
          stats.size(),
          incomplete.isEmpty() ? "" : " (still being written: " + incomplete + ")",
          damaged.isEmpty() ? "" : " (damaged, not read: " + damaged + ")",
          stepMoments,
          wallMillis / 1000.0,
          output,
          report);
    }
  }

  @Override
  public Integer call() throws IOException {
    RunLayout run = RunLayout.of(runDir);
    SparkSession spark = RunSession.start("orz analyze " + run.name(), run);
    RunReport.Options options =
        new RunReport.Options(
            caseInsensitive,
            examplesIteration,
            examples,
            new StepMoments.Rule(stepWindow, stepMinZ, stepMinJump),
            compare == null ? null : RunLayout.of(compare));
    System.out.println(run(spark, run, output, options).describe());
    return 0;
  }

  /**
   * Analyses {@code runDir}, writes the tables to {@code output} (null: R/analysis) and the report.
   */
  public static Result run(
      SparkSession spark, RunLayout runDir, String output, RunReport.Options options)
      throws IOException {
    Stopwatch clock = Stopwatch.start();
    spark.sparkContext().setJobGroup("analyze", "orz analyze: " + runDir.root(), false);
    RunAnalysis analysis = RunAnalysis.open(spark, runDir, options.caseInsensitive());
    String dir = output != null ? output : analysis.layout().analysis().toString();
    List<IterationStats> stats;
    String target;
    // Begun before the analysis, so that a folder orz may not replace is refused at once.
    try (AtomicOutput out =
        AtomicOutput.begin(spark.sparkContext().hadoopConfiguration(), dir, true)) {
      stats = analysis.iterationStats(options.rule());
      if (stats.isEmpty()) {
        throw new IllegalArgumentException(
            "nothing to analyse: "
                + runDir.root()
                + " has no complete iteration under rollouts/ (iteration=N with _SUCCESS)");
      }
      Dataset<Row> table = analysis.iterationTable(stats).coalesce(1);
      Dataset<Row> steps =
          spark.createDataFrame(stepRows(stats, options.rule()), STEP_MOMENTS).coalesce(1);
      out.writeParquet(table, "iterations");
      out.writeParquet(steps, "step_moments");
      writeCsv(spark, out, table, "iterations.csv");
      writeCsv(spark, out, steps, "step_moments.csv");
      out.commit();
      target = out.target();
    }
    RunReport.Result report =
        RunReport.write(
            RunReport.collect(analysis, stats, options),
            analysis.layout().reports(),
            spark.sparkContext().hadoopConfiguration());
    CompleteIterations iterations = analysis.rolloutIterations();
    return new Result(
        target,
        report.index(),
        stats,
        iterations.incomplete(),
        iterations.describeDamaged(),
        report.stepMoments(),
        clock.millis());
  }

  private static List<Row> stepRows(List<IterationStats> stats, StepMoments.Rule rule) {
    List<Row> rows = new ArrayList<>();
    for (StepMoments.Step step : RunAnalysis.stepMoments(stats, rule)) {
      rows.add(
          RowFactory.create(
              stats.get(step.index()).iteration(),
              step.jumps().get(0).relative(),
              step.jumps().get(1).relative(),
              step.jumps().get(2).relative()));
    }
    return rows;
  }

  /**
   * Writes {@code frame} as one CSV file {@code name} in the output (Spark's CSV writer, one part).
   */
  private static void writeCsv(
      SparkSession spark, AtomicOutput out, Dataset<Row> frame, String name) throws IOException {
    String parts = out.resolve("_" + name);
    frame.coalesce(1).write().option("header", "true").csv(parts);
    Path folder = new Path(parts);
    FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
    FileStatus[] csv = fs.globStatus(new Path(folder, "part-*.csv"));
    if (csv == null || csv.length != 1) {
      throw new IOException("expected one CSV part in " + folder);
    }
    if (!fs.rename(csv[0].getPath(), new Path(out.resolve(name)))) {
      throw new IOException("cannot move " + csv[0].getPath() + " to " + name);
    }
    fs.delete(folder, true);
  }
}
