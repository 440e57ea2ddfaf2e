package org.orzspark.analysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.orzspark.reward.ResponseFormat;
import org.orzspark.reward.spark.RewardUdfs;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.Metric;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;

/**
 * Offline analysis of a run directory, finished or in progress: the per-iteration reflection and
 * length figures from {@code rollouts/} (the paper's Figure 7), step moments, example responses,
 * and the training metrics ({@code metrics/}) and evaluation results ({@code eval/}) as written.
 * Only complete iterations are read ({@link CompleteIterations}: a {@code _SUCCESS} marker whose
 * listed files are all there with their sizes), and of them only the files their marker lists.
 *
 * <p>Reflection patterns are recomputed from the response text with this analysis' case setting
 * (the reward module's {@code orz_reflection_patterns}), so a case-insensitive analysis of a
 * case-sensitive run is possible; the format flag is the stored {@code format_ok}, recomputed with
 * {@link ResponseFormat} where null. A response is correct when its reward is 1.
 */
public final class RunAnalysis {

  /** The analysis table's last column: whether the step-moment rule flagged the iteration. */
  public static final String STEP_MOMENT = "step_moment";

  /**
   * The analysis table ({@code orz analyze} writes it as Parquet and CSV): one row per iteration,
   * {@value IterationMetrics#ITERATION}, then every rollout metric that has an {@link
   * Metric#analysisColumn()} under that alias (counts as longs, undefined means as null), then
   * {@value #STEP_MOMENT}.
   */
  public static final StructType ITERATION_TABLE = iterationTableSchema();

  private final SparkSession spark;
  private final RunLayout layout;
  private final boolean caseInsensitive;

  private RunAnalysis(SparkSession spark, RunLayout layout, boolean caseInsensitive) {
    this.spark = spark;
    this.layout = layout;
    this.caseInsensitive = caseInsensitive;
  }

  /**
   * @param caseInsensitive match the reflection patterns ignoring case ("Wait," counts); the
   *     reference code's regexes are case-sensitive
   */
  public static RunAnalysis open(SparkSession spark, RunLayout layout, boolean caseInsensitive) {
    try {
      if (!RunStore.open(spark.sparkContext().hadoopConfiguration(), layout)
          .isDirectory(layout.root())) {
        throw new IllegalArgumentException("run directory " + layout.root() + " does not exist");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run directory " + layout.root(), e);
    }
    return new RunAnalysis(spark, layout, caseInsensitive);
  }

  /** {@link #open(SparkSession, RunLayout, boolean)} of a local run directory. */
  public static RunAnalysis open(SparkSession spark, Path runDir, boolean caseInsensitive) {
    return open(spark, new RunLayout(runDir), caseInsensitive);
  }

  public RunLayout layout() {
    return layout;
  }

  /** The session the analysis reads with (another run is analysed in the same one). */
  public SparkSession spark() {
    return spark;
  }

  public boolean caseInsensitive() {
    return caseInsensitive;
  }

  /** The complete and incomplete iterations of {@code rollouts/}. */
  public CompleteIterations rolloutIterations() {
    return CompleteIterations.list(hadoopConf(), layout.rollouts(0).getParent().toString());
  }

  /**
   * Every complete iteration's rollouts ({@link RolloutTable#ROLLOUTS}) with {@link
   * IterationMetrics#PATTERNS} (recomputed with this analysis' case setting), {@link
   * IterationMetrics#REFLECTING} and {@link IterationMetrics#WELL_FORMED} added.
   *
   * @throws IllegalStateException when the run has no complete rollouts yet
   */
  public Dataset<Row> rollouts() {
    CompleteIterations iterations = rolloutIterations();
    if (iterations.isEmpty()) {
      throw new IllegalArgumentException(
          "no complete rollouts under "
              + layout.rollouts(0).getParent()
              + " (no iteration=N folder with _SUCCESS)"
              + (iterations.damaged().isEmpty()
                  ? ""
                  : "; damaged, not read: " + iterations.describeDamaged()));
    }
    UserDefinedFunction patterns = RewardUdfs.reflectionPatterns(caseInsensitive);
    UserDefinedFunction wellFormed =
        functions.udf((UDF1<String, Boolean>) ResponseFormat::isWellFormed, DataTypes.BooleanType);
    Column response = col(RolloutTable.RESPONSE);
    return IterationMetrics.withAggregateInputs(
        spark
            .read()
            .schema(RolloutTable.ROLLOUTS.add(RolloutTable.ITERATION, DataTypes.IntegerType, false))
            .option("basePath", layout.rollouts(0).getParent().toString())
            .parquet(iterations.paths()),
        patterns.apply(response),
        coalesce(col(RolloutTable.FORMAT_OK), wellFormed.apply(response)));
  }

  /**
   * The per-iteration figures, ascending by iteration, with the step moments of {@code rule}
   * flagged; empty when no iteration is complete.
   */
  public List<IterationStats> iterationStats(StepMoments.Rule rule) {
    if (rolloutIterations().isEmpty()) {
      return List.of();
    }
    List<IterationStats> stats = new ArrayList<>();
    for (Row row : aggregate(rollouts()).collectAsList()) {
      stats.add(toStats(row));
    }
    List<IterationStats> flagged = new ArrayList<>(stats);
    for (StepMoments.Step step : stepMoments(stats, rule)) {
      flagged.set(step.index(), stats.get(step.index()).withStepMoment(true));
    }
    return List.copyOf(flagged);
  }

  /**
   * The step moments of reward mean, response length mean and correct reflection length mean
   * (series in that order in each {@link StepMoments.Step#jumps()}); indices into {@code stats}.
   */
  public static List<StepMoments.Step> stepMoments(
      List<IterationStats> stats, StepMoments.Rule rule) {
    if (stats.isEmpty()) {
      return List.of();
    }
    return StepMoments.detect(
        List.of(
            series(stats, IterationMetrics.REWARD_MEAN),
            series(stats, IterationMetrics.RESPONSE_LENGTH_MEAN),
            series(stats, IterationMetrics.CORRECT_REFLECTION_LENGTH_MEAN)),
        rule);
  }

  /** The stats as a DataFrame of {@link #ITERATION_TABLE}. */
  public Dataset<Row> iterationTable(List<IterationStats> stats) {
    List<Row> rows = new ArrayList<>();
    for (IterationStats s : stats) {
      Object[] values = new Object[ITERATION_TABLE.length()];
      values[ITERATION_TABLE.fieldIndex(IterationMetrics.ITERATION)] = s.iteration();
      for (Metric metric : analysisMetrics()) {
        double value = s.value(metric);
        values[ITERATION_TABLE.fieldIndex(metric.analysisColumn())] =
            metric.count() ? (Object) Math.round(value) : orNull(value);
      }
      values[ITERATION_TABLE.fieldIndex(STEP_MOMENT)] = s.stepMoment();
      rows.add(RowFactory.create(values));
    }
    return spark.createDataFrame(rows, ITERATION_TABLE);
  }

  /**
   * Up to {@code limit} responses of {@code iteration} to read: those with reflection patterns
   * first, correct before incorrect, then by prompt id and sample index (deterministic).
   */
  public List<ResponseExample> examples(int iteration, int limit) {
    List<ResponseExample> out = new ArrayList<>();
    List<Row> rows =
        rollouts()
            .where(col(RolloutTable.ITERATION).equalTo(iteration))
            .orderBy(
                col(IterationMetrics.REFLECTING).desc(),
                col(RolloutTable.REWARD).desc_nulls_last(),
                col(RolloutTable.PROMPT_ID),
                col(RolloutTable.SAMPLE_INDEX))
            .limit(limit)
            .collectAsList();
    for (Row r : rows) {
      out.add(
          new ResponseExample(
              r.getAs(RolloutTable.ITERATION),
              r.getAs(RolloutTable.PROMPT_ID),
              r.getAs(RolloutTable.SAMPLE_INDEX),
              r.getAs(RolloutTable.QUESTION),
              r.getAs(RolloutTable.GROUND_TRUTH),
              r.getAs(RolloutTable.RESPONSE),
              r.getAs(RolloutTable.REWARD),
              r.getAs(RolloutTable.RESPONSE_LENGTH),
              r.getAs(RolloutTable.FINISH_REASON),
              r.getList(r.fieldIndex(IterationMetrics.PATTERNS))));
    }
    return out;
  }

  /**
   * The training metrics ({@code metrics/iteration=N/}, schemas merged as columns are added over
   * time), with the partition column {@code iteration}; empty when none is complete.
   */
  public Optional<Dataset<Row>> metricsFrame() {
    String dir = layout.metrics().toString();
    CompleteIterations iterations = CompleteIterations.list(hadoopConf(), dir);
    if (iterations.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        spark
            .read()
            .option("mergeSchema", "true")
            .option("basePath", dir)
            .parquet(iterations.paths()));
  }

  /** The numeric training metrics per iteration; empty when none is complete. */
  public Optional<MetricsTable> metrics() {
    return metricsFrame().map(RunAnalysis::toMetricsTable);
  }

  /** The evaluation results ({@code eval/}, any Parquet below it); empty when there are none. */
  public Optional<Dataset<Row>> eval() {
    String dir = layout.eval().toString();
    if (!hasParquet(dir)) {
      return Optional.empty();
    }
    return Optional.of(spark.read().option("mergeSchema", "true").parquet(dir));
  }

  private static Dataset<Row> aggregate(Dataset<Row> rollouts) {
    Column[] aggregates = IterationMetrics.aggregates();
    return rollouts
        .groupBy(RolloutTable.ITERATION)
        .agg(aggregates[0], Arrays.copyOfRange(aggregates, 1, aggregates.length))
        .orderBy(RolloutTable.ITERATION);
  }

  private static IterationStats toStats(Row r) {
    return new IterationStats(
        r.getAs(RolloutTable.ITERATION), IterationMetrics.rolloutValues(r), false);
  }

  private static double[] series(List<IterationStats> stats, Metric metric) {
    return stats.stream().mapToDouble(s -> s.value(metric)).toArray();
  }

  /** The rollout metrics the analysis table carries, in its column order. */
  private static List<Metric> analysisMetrics() {
    return IterationMetrics.rolloutMetrics().stream()
        .filter(m -> m.analysisColumn() != null)
        .toList();
  }

  private static MetricsTable toMetricsTable(Dataset<Row> frame) {
    List<String> names = new ArrayList<>();
    for (StructField f : frame.schema().fields()) {
      if (f.dataType() instanceof NumericType && !f.name().equals(IterationMetrics.ITERATION)) {
        names.add(f.name());
      }
    }
    List<Row> rows = frame.orderBy(IterationMetrics.ITERATION).collectAsList();
    List<Integer> iterations = new ArrayList<>();
    Map<String, double[]> columns = new LinkedHashMap<>();
    names.forEach(n -> columns.put(n, new double[rows.size()]));
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      iterations.add(((Number) r.getAs(IterationMetrics.ITERATION)).intValue());
      for (String n : names) {
        columns.get(n)[i] = number(r, n);
      }
    }
    return new MetricsTable(List.copyOf(iterations), columns);
  }

  private static double number(Row r, String name) {
    int i = r.fieldIndex(name);
    return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
  }

  private static Double orNull(double value) {
    return Double.isNaN(value) ? null : value;
  }

  private boolean hasParquet(String dir) {
    try {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir);
      FileSystem fs = path.getFileSystem(hadoopConf());
      if (!fs.exists(path)) {
        return false;
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(path, true);
      while (files.hasNext()) {
        if (files.next().getPath().getName().endsWith(".parquet")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private Configuration hadoopConf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private static StructType iterationTableSchema() {
    List<StructField> fields = new ArrayList<>();
    fields.add(
        DataTypes.createStructField(IterationMetrics.ITERATION, DataTypes.IntegerType, false));
    for (Metric metric : analysisMetrics()) {
      fields.add(
          metric.count()
              ? DataTypes.createStructField(metric.analysisColumn(), DataTypes.LongType, false)
              : DataTypes.createStructField(metric.analysisColumn(), DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField(STEP_MOMENT, DataTypes.BooleanType, false));
    return DataTypes.createStructType(fields);
  }
}
