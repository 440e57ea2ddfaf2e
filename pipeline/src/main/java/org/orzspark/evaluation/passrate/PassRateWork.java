package org.orzspark.evaluation.passrate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.evaluation.ScoredSampling;
import org.orzspark.random.Seeds;
import org.orzspark.run.RolloutTable;
import org.orzspark.timing.Stopwatch;

/**
 * The work folder of {@code orz curate pass-rate}, {@code DIR/_partitions/}: the input split into
 * deterministic partitions by a hash of {@code prompt_id}, each sampled and scored as its own unit
 * and written atomically, so a killed job continues where it stopped and never regenerates a
 * complete partition.
 *
 * <pre>
 * _partitions/_settings.json              the generation settings; a rerun must match them
 * _partitions/part=NNNNN/prompts/         the partition's prompts + pass_rate, correct, samples
 * _partitions/part=NNNNN/samples/         its scored samples (response, reward, verdict, ...)
 * _partitions/part=NNNNN/_partition.json  prompts, samples and generation time
 * _partitions/part=NNNNN/_SUCCESS
 * </pre>
 *
 * A sample's draws derive from (seed, prompt id, sample index) only, so a partition regenerated
 * after a crash writes the rows it would have written the first time.
 */
final class PassRateWork {

  static final String FOLDER = "_partitions";
  static final String SETTINGS_FILE = "_settings.json";
  static final String PROMPTS = "prompts";
  static final String SAMPLES = "samples";
  static final String CORRECT = "correct";
  static final String SAMPLE_COUNT = "samples";

  /** The per-prompt table: the prompt columns (pass_rate filled in), correct and samples counts. */
  static final StructType PROMPTS_SCHEMA =
      PromptSchema.SCHEMA
          .add(CORRECT, DataTypes.IntegerType, false)
          .add(SAMPLE_COUNT, DataTypes.IntegerType, false);

  /** Scored sample columns kept for inspection (token ids and log-probs are not). */
  private static final List<String> SAMPLE_COLUMNS =
      List.of(
          RolloutTable.PROMPT_ID,
          RolloutTable.SAMPLE_INDEX,
          RolloutTable.GROUND_TRUTH,
          RolloutTable.RESPONSE,
          RolloutTable.FINISH_REASON,
          RolloutTable.RESPONSE_LENGTH,
          RolloutTable.REWARD,
          RolloutTable.EXTRACTED_ANSWER,
          RolloutTable.VERIFY_REASON,
          RolloutTable.FORMAT_OK);

  private static final String PARTITION_COLUMN = "_pass_rate_partition";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SparkSession spark;
  private final org.apache.hadoop.fs.Path folder;
  private final int partitions;

  private PassRateWork(SparkSession spark, org.apache.hadoop.fs.Path folder, int partitions) {
    this.spark = spark;
    this.folder = folder;
    this.partitions = partitions;
  }

  /**
   * Opens (or creates) {@code output/_partitions} for {@code settings}: a folder left by an earlier
   * run with other settings is refused, naming what differs; temp folders of killed partition
   * attempts are deleted.
   */
  static PassRateWork open(
      SparkSession spark, String output, Map<String, Object> settings, int partitions)
      throws IOException {
    org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(output, FOLDER);
    FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
    folder = fs.makeQualified(folder);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(folder, SETTINGS_FILE);
    String wanted = JSON.writeValueAsString(settings);
    if (fs.exists(file)) {
      Map<?, ?> found;
      try (InputStream in = fs.open(file)) {
        found = JSON.readValue(in, Map.class);
      }
      Map<?, ?> expected = JSON.readValue(wanted, Map.class);
      List<String> differences = new ArrayList<>();
      expected.forEach(
          (key, value) -> {
            if (!Objects.equals(value, found.get(key))) {
              differences.add(key + " " + found.get(key) + " -> " + value);
            }
          });
      if (!differences.isEmpty()) {
        throw new IllegalArgumentException(
            folder
                + " holds partitions generated with other settings ("
                + String.join(", ", differences)
                + "); rerun with the same settings to continue, or delete it to start over");
      }
    } else {
      fs.mkdirs(folder);
      org.apache.hadoop.fs.Path temp = new org.apache.hadoop.fs.Path(folder, "." + SETTINGS_FILE);
      try (OutputStream out = fs.create(temp, true)) {
        out.write(wanted.getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(temp, file)) {
        throw new IOException("cannot rename " + temp + " to " + file);
      }
    }
    for (FileStatus child : fs.listStatus(folder)) {
      if (child.getPath().getName().matches("\\.part=\\d+\\.tmp-.*")) {
        fs.delete(child.getPath(), true);
      }
    }
    return new PassRateWork(spark, folder, partitions);
  }

  /** The partition of each prompt: {@code pmod(xxhash64(prompt_id), partitions)}. */
  static Column partitionOf(int partitions) {
    return pmod(xxhash64(col(PromptSchema.PROMPT_ID)), lit(partitions));
  }

  String partitionFolder(int partition) {
    return new org.apache.hadoop.fs.Path(folder, String.format("part=%05d", partition)).toString();
  }

  boolean isComplete(int partition) throws IOException {
    return AtomicOutput.isComplete(
        spark.sparkContext().hadoopConfiguration(), partitionFolder(partition));
  }

  /**
   * Samples and scores the prompts of {@code partition} (the rows of {@code taggedPrompts}, as
   * {@link #tag} marks them, in that partition) and writes the partition's folder atomically.
   */
  void generate(
      int partition,
      Dataset<Row> taggedPrompts,
      Path model,
      ScoredSampling.Settings sampling,
      PrintStream console)
      throws IOException {
    Stopwatch clock = Stopwatch.start();
    List<PromptRecord> prompts = new ArrayList<>();
    for (Row row : taggedPrompts.filter(col(PARTITION_COLUMN).equalTo(partition)).collectAsList()) {
      prompts.add(PromptSchema.fromRow(row));
    }
    prompts.sort(Comparator.comparing(PromptRecord::promptId));
    try (AtomicOutput out =
        AtomicOutput.beginRunFolder(
            spark.sparkContext().hadoopConfiguration(), partitionFolder(partition))) {
      Dataset<Row> perPrompt = spark.createDataFrame(List.of(), PROMPTS_SCHEMA);
      if (!prompts.isEmpty()) {
        ScoredSampling.scored(
            spark,
            model.toAbsolutePath().toString(),
            prompts,
            sampling,
            Seeds.mix(sampling.seed(), "pass-rate"),
            String.format("pass-rate part %d/%d", partition + 1, partitions),
            console,
            scored -> {
              out.writeParquet(
                  scored.select(SAMPLE_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new)),
                  SAMPLES);
              return null;
            });
        perPrompt =
            withCounts(
                PromptSchema.toDataFrame(spark, prompts),
                spark.read().parquet(out.resolve(SAMPLES)));
      }
      out.writeParquet(perPrompt, PROMPTS);
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("partition", partition);
      record.put("prompts", prompts.size());
      record.put("samples", (long) prompts.size() * sampling.samples());
      record.put("wall_ms", clock.millis());
      out.writeText("_partition.json", JSON.writeValueAsString(record));
      out.commit();
    }
  }

  /**
   * {@code prompts} with {@code correct} and {@code samples} counted from their scored samples and
   * {@code pass_rate} = correct / samples ({@link #PROMPTS_SCHEMA}). Every prompt has its k
   * samples, so the inner join keeps every prompt.
   */
  private static Dataset<Row> withCounts(Dataset<Row> prompts, Dataset<Row> samples) {
    Dataset<Row> counts =
        samples
            .groupBy(PromptSchema.PROMPT_ID)
            .agg(
                sum(when(RolloutTable.correct(), 1).otherwise(0))
                    .cast(DataTypes.IntegerType)
                    .as(CORRECT),
                count(lit(1)).cast(DataTypes.IntegerType).as(SAMPLE_COUNT));
    List<Column> columns = new ArrayList<>();
    for (String name : PromptSchema.SCHEMA.fieldNames()) {
      columns.add(
          name.equals(PromptSchema.PASS_RATE)
              ? col(CORRECT).cast(DataTypes.DoubleType).divide(col(SAMPLE_COUNT)).as(name)
              : col(name));
    }
    columns.add(col(CORRECT));
    columns.add(col(SAMPLE_COUNT));
    return prompts
        .drop(PromptSchema.PASS_RATE)
        .join(counts, PromptSchema.PROMPT_ID)
        .select(columns.toArray(Column[]::new));
  }

  /** {@code prompts} with the partition column of {@link #partitionOf}. */
  Dataset<Row> tag(Dataset<Row> prompts) {
    return prompts.withColumn(PARTITION_COLUMN, partitionOf(partitions));
  }

  /** Every partition's per-prompt rows ({@link #PROMPTS_SCHEMA}); all must be complete. */
  Dataset<Row> prompts() {
    String[] paths = new String[partitions];
    for (int p = 0; p < partitions; p++) {
      paths[p] = new org.apache.hadoop.fs.Path(partitionFolder(p), PROMPTS).toString();
    }
    return spark.read().schema(PROMPTS_SCHEMA).parquet(paths);
  }
}
