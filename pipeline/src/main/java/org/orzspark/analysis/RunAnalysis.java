package org.orzspark.analysis;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.orzspark.reward.ReflectionPatterns;
import org.orzspark.reward.ResponseFormat;
import org.orzspark.reward.spark.RewardUdfs;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;
import org.orzspark.run.RunTables;

/**
 * Offline analysis of a run directory, finished or in progress: the per-iteration reflection and
 * length figures from {@code rollouts/} (the paper's Figure 7), step moments, example responses,
 * and the training metrics ({@code metrics/}) and evaluation results ({@code eval/}) as written.
 * Only complete iterations (with {@code _SUCCESS}) are read.
 *
 * <p>Reflection patterns are recomputed from the response text with this analysis' case setting
 * (the reward module's {@code orz_reflection_patterns}), so a case-insensitive analysis of a
 * case-sensitive run is possible; the format flag is the stored {@code format_ok}, recomputed with
 * {@link ResponseFormat} where null. A response is correct when its reward is 1.
 */
public final class RunAnalysis {

  /** Added to the rollouts by {@link #rollouts()}: the patterns found (reference order). */
  public static final String PATTERNS = "patterns";

  /** Added: whether {@link #PATTERNS} is non-empty. */
  public static final String REFLECTING = "reflecting";

  /** Added: {@code format_ok}, recomputed where null. */
  public static final String WELL_FORMED = "well_formed";

  /**
   * The analysis table ({@code orz analyze} writes it as Parquet and CSV): one row per iteration,
   * the fields of {@link IterationStats}; undefined means are null.
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

  public boolean caseInsensitive() {
    return caseInsensitive;
  }

  /** The pattern column name of the iteration table: {@code wait,} → {@code pattern_wait}. */
  public static String patternColumn(String pattern) {
    return "pattern_" + pattern.replaceAll("[^A-Za-z]", "");
  }

  /** The complete and incomplete iterations of {@code rollouts/}. */
  public CompleteIterations rolloutIterations() {
    return CompleteIterations.list(hadoopConf(), layout.rollouts(0).getParent().toString());
  }

  /**
   * Every complete iteration's rollouts ({@link RunTables#ROLLOUTS}) with {@link #PATTERNS}, {@link
   * #REFLECTING} and {@link #WELL_FORMED} added.
   *
   * @throws IllegalStateException when the run has no complete rollouts yet
   */
  public Dataset<Row> rollouts() {
    CompleteIterations iterations = rolloutIterations();
    if (iterations.isEmpty()) {
      throw new IllegalStateException(
          "no complete rollouts under "
              + layout.rollouts(0).getParent()
              + " (no iteration=N folder with _SUCCESS)");
    }
    UserDefinedFunction patterns = RewardUdfs.reflectionPatterns(caseInsensitive);
    UserDefinedFunction wellFormed =
        functions.udf((UDF1<String, Boolean>) ResponseFormat::isWellFormed, DataTypes.BooleanType);
    return spark
        .read()
        .schema(RunTables.ROLLOUTS.add("iteration", DataTypes.IntegerType, false))
        .option("basePath", layout.rollouts(0).getParent().toString())
        .parquet(iterations.paths())
        .withColumn(PATTERNS, patterns.apply(col("response")))
        .withColumn(REFLECTING, size(col(PATTERNS)).gt(0))
        .withColumn(WELL_FORMED, coalesce(col("format_ok"), wellFormed.apply(col("response"))));
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
            stats.stream().mapToDouble(IterationStats::rewardMean).toArray(),
            stats.stream().mapToDouble(IterationStats::responseLengthMean).toArray(),
            stats.stream().mapToDouble(IterationStats::correctReflectionLengthMean).toArray()),
        rule);
  }

  /** The stats as a DataFrame of {@link #ITERATION_TABLE}. */
  public Dataset<Row> iterationTable(List<IterationStats> stats) {
    List<Row> rows = new ArrayList<>();
    for (IterationStats s : stats) {
      List<Object> values = new ArrayList<>();
      values.add(s.iteration());
      values.add(s.responses());
      values.add(orNull(s.rewardMean()));
      values.add(orNull(s.responseLengthMean()));
      values.add(orNull(s.responseLengthP50()));
      values.add(orNull(s.responseLengthP90()));
      values.add(orNull(s.formatRate()));
      values.add(s.reflectingResponses());
      values.add(orNull(s.reflectionShare()));
      for (String pattern : ReflectionPatterns.NAMES) {
        values.add(s.patternCounts().get(pattern));
      }
      values.add(orNull(s.correctReflectionLengthMean()));
      values.add(orNull(s.accuracyReflecting()));
      values.add(orNull(s.accuracyNonReflecting()));
      values.add(s.stepMoment());
      rows.add(RowFactory.create(values.toArray()));
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
            .where(col("iteration").equalTo(iteration))
            .orderBy(
                col(REFLECTING).desc(),
                col("reward").desc_nulls_last(),
                col("prompt_id"),
                col("sample_index"))
            .limit(limit)
            .collectAsList();
    for (Row r : rows) {
      out.add(
          new ResponseExample(
              r.getAs("iteration"),
              r.getAs("prompt_id"),
              r.getAs("sample_index"),
              r.getAs("question"),
              r.getAs("ground_truth"),
              r.getAs("response"),
              r.getAs("reward"),
              r.getAs("response_length"),
              r.getAs("finish_reason"),
              r.getList(r.fieldIndex(PATTERNS))));
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
    Column correct = col("reward").geq(0.5);
    Column reflecting = col(REFLECTING);
    List<Column> figures = new ArrayList<>();
    figures.add(avg("reward").as("reward_mean"));
    figures.add(avg("response_length").as("response_length_mean"));
    figures.add(expr("percentile(response_length, 0.5)").as("response_length_p50"));
    figures.add(expr("percentile(response_length, 0.9)").as("response_length_p90"));
    figures.add(avg(col(WELL_FORMED).cast("double")).as("format_rate"));
    figures.add(sum(reflecting.cast("long")).as("reflecting_responses"));
    figures.add(avg(reflecting.cast("double")).as("reflection_share"));
    for (String pattern : ReflectionPatterns.NAMES) {
      figures.add(
          sum(array_contains(col(PATTERNS), pattern).cast("long")).as(patternColumn(pattern)));
    }
    figures.add(
        avg(when(reflecting.and(correct), col("response_length")))
            .as("correct_reflection_length_mean"));
    figures.add(avg(when(reflecting, col("reward"))).as("accuracy_reflecting"));
    figures.add(avg(when(not(reflecting), col("reward"))).as("accuracy_non_reflecting"));
    return rollouts
        .groupBy("iteration")
        .agg(count(lit(1)).as("responses"), figures.toArray(Column[]::new))
        .orderBy("iteration");
  }

  private static IterationStats toStats(Row r) {
    Map<String, Long> patternCounts = new LinkedHashMap<>();
    for (String pattern : ReflectionPatterns.NAMES) {
      patternCounts.put(pattern, r.getAs(patternColumn(pattern)));
    }
    return new IterationStats(
        r.getAs("iteration"),
        r.getAs("responses"),
        number(r, "reward_mean"),
        number(r, "response_length_mean"),
        number(r, "response_length_p50"),
        number(r, "response_length_p90"),
        number(r, "format_rate"),
        r.getAs("reflecting_responses"),
        number(r, "reflection_share"),
        Map.copyOf(patternCounts),
        number(r, "correct_reflection_length_mean"),
        number(r, "accuracy_reflecting"),
        number(r, "accuracy_non_reflecting"),
        false);
  }

  private static MetricsTable toMetricsTable(Dataset<Row> frame) {
    List<String> names = new ArrayList<>();
    for (StructField f : frame.schema().fields()) {
      if (f.dataType() instanceof NumericType && !f.name().equals("iteration")) {
        names.add(f.name());
      }
    }
    List<Row> rows = frame.orderBy("iteration").collectAsList();
    List<Integer> iterations = new ArrayList<>();
    Map<String, double[]> columns = new LinkedHashMap<>();
    names.forEach(n -> columns.put(n, new double[rows.size()]));
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      iterations.add(((Number) r.getAs("iteration")).intValue());
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
    fields.add(DataTypes.createStructField("iteration", DataTypes.IntegerType, false));
    fields.add(DataTypes.createStructField("responses", DataTypes.LongType, false));
    for (String name :
        List.of(
            "reward_mean",
            "response_length_mean",
            "response_length_p50",
            "response_length_p90",
            "format_rate")) {
      fields.add(DataTypes.createStructField(name, DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField("reflecting_responses", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("reflection_share", DataTypes.DoubleType, true));
    for (String pattern : ReflectionPatterns.NAMES) {
      fields.add(DataTypes.createStructField(patternColumn(pattern), DataTypes.LongType, false));
    }
    for (String name :
        List.of(
            "correct_reflection_length_mean", "accuracy_reflecting", "accuracy_non_reflecting")) {
      fields.add(DataTypes.createStructField(name, DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField("step_moment", DataTypes.BooleanType, false));
    return DataTypes.createStructType(fields);
  }
}
