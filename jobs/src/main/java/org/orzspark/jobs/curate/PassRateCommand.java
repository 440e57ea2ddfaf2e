package org.orzspark.jobs.curate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.curate.PassRateBand;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.OrzOutputs;
import org.orzspark.datasets.io.PromptTable;
import org.orzspark.evaluation.ScoredSampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz curate pass-rate}: samples a model k times per prompt through the iteration's rollout
 * and score code ({@link ScoredSampling}), stores every prompt's pass rate and keeps those with
 * {@code min < pass_rate <= max} ({@link PassRateBand}). Generation runs partition by partition
 * ({@link PassRateWork}), so a killed job continues without regenerating complete partitions; the
 * output is assembled once all are complete.
 *
 * <pre>
 * DIR/part-*.parquet   kept prompts: prompt columns (pass_rate filled in) + correct, samples
 * DIR/_removed/        removed prompts: the same columns + reason (pass_rate&lt;=min, pass_rate&gt;max)
 * DIR/_hard/           with --hard-below X: the kept prompts with fewer than X correct
 * DIR/_partitions/     per-partition prompts and scored samples (responses, rewards)
 * DIR/_summary.json    rows in, kept, removed by reason, hard, correct-count histogram, partitions
 * DIR/_SUCCESS
 * </pre>
 */
@Command(
    name = "pass-rate",
    mixinStandardHelpOptions = true,
    description =
        "Sample a model k times per prompt, store each prompt's pass rate, keep those with"
            + " min < pass_rate <= max.")
public final class PassRateCommand implements Callable<Integer> {

  static final String HARD_FOLDER = "_hard";
  static final String REASON = "reason";

  @Mixin CurationPaths paths = new CurationPaths();

  @Option(
      names = "--model",
      required = true,
      description = "Hugging Face-layout model folder to sample (a base model or a checkpoint).")
  Path model;

  @Option(
      names = "--samples",
      defaultValue = "8",
      description = "Samples per prompt, k (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(
      names = "--min",
      defaultValue = "0.0",
      description =
          "Remove prompts with pass_rate <= min (default: ${DEFAULT-VALUE}: never solved).")
  double min;

  @Option(
      names = "--max",
      defaultValue = "0.8",
      description = "Remove prompts with pass_rate > max (default: ${DEFAULT-VALUE}).")
  double max;

  @Option(
      names = "--hard-below",
      description =
          "Also write DIR/_hard/: the kept prompts with fewer than this many of the k samples"
              + " correct (the paper: 4 of 64). It is a subset of the kept prompts, so --min still"
              + " excludes unsolved ones; the kept output is unchanged (default: none).")
  Integer hardBelow;

  @Option(
      names = "--partitions",
      defaultValue = "16",
      description =
          "Units of generation and of resumption: prompts are split by a hash of prompt_id; a"
              + " rerun skips complete ones (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--temperature",
      defaultValue = "1.0",
      description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-p",
      defaultValue = "1.0",
      description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "1024",
      description =
          "Response length limit; a cut-off response scores 0 (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--template",
      defaultValue = "paper",
      description = "Prompt template: paper or reference (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(
      names = "--batch-sequences",
      defaultValue = "64",
      description = "Sequences a rollout task decodes together (default: ${DEFAULT-VALUE}).")
  int batchSequences;

  @Option(
      names = "--gpus-per-task",
      defaultValue = "0",
      description =
          "GPUs each generation task requests on a cluster; never in local mode (default:"
              + " ${DEFAULT-VALUE}).")
  double gpusPerTask;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--overwrite",
      defaultValue = "false",
      description =
          "Redo a complete output; its complete partitions are reused when the generation settings"
              + " match, so only --min, --max, --hard-below change. Only a folder orz wrote (with"
              + " _SUCCESS, or nothing but _partitions/) or an empty one is ever replaced; any other"
              + " is refused, exit status 2 (default: ${DEFAULT-VALUE}).")
  boolean overwrite;

  /** Everything a run needs, as plain values. */
  public record Settings(
      String input,
      String output,
      Path model,
      ScoredSampling.Settings sampling,
      PassRateBand band,
      int partitions,
      boolean overwrite) {

    public Settings {
      if (sampling.samples() < 1) {
        throw new IllegalArgumentException("--samples must be at least 1: " + sampling.samples());
      }
      if (partitions < 1) {
        throw new IllegalArgumentException("--partitions must be at least 1: " + partitions);
      }
      if (!List.of("paper", "reference").contains(sampling.template())) {
        throw new IllegalArgumentException(
            "unknown --template " + sampling.template() + "; valid: paper, reference");
      }
      if (band.hardBelow() > sampling.samples()) {
        throw new IllegalArgumentException(
            "--hard-below " + band.hardBelow() + " exceeds --samples " + sampling.samples());
      }
    }
  }

  /**
   * @param output the output folder, qualified
   * @param rowsIn prompts read
   * @param kept prompts kept
   * @param removedByReason per reason, both listed
   * @param hard prompts in the hard subset, when --hard-below was given
   * @param correctHistogram prompts per number of correct samples (0..k)
   * @param meanPassRateBySource mean pass rate of the prompts of each source
   * @param generated partitions generated by this run
   * @param reused complete partitions found and reused
   * @param wallMillis wall time of the run
   */
  public record Result(
      String output,
      long rowsIn,
      long kept,
      Map<String, Long> removedByReason,
      OptionalLong hard,
      Map<Integer, Long> correctHistogram,
      Map<String, Double> meanPassRateBySource,
      List<Integer> generated,
      List<Integer> reused,
      long wallMillis) {
    public String describe() {
      return String.format(
          "pass-rate: rows in %d, kept %d, removed %s%s; partitions generated %d, reused %d in"
              + " %.1f s -> %s%n  prompts by correct samples: %s%n  mean pass rate by source: %s",
          rowsIn,
          kept,
          removedByReason,
          hard.isPresent() ? ", hard " + hard.getAsLong() : "",
          generated.size(),
          reused.size(),
          wallMillis / 1000.0,
          output,
          correctHistogram,
          meanPassRateBySource);
    }
  }

  @Override
  public Integer call() throws IOException {
    Settings settings =
        new Settings(
            paths.input,
            paths.output,
            model,
            new ScoredSampling.Settings(
                samples,
                temperature,
                topP,
                maxNewTokens,
                template,
                batchSequences,
                seed,
                gpusPerTask),
            new PassRateBand(min, max, hardBelow == null ? 0 : hardBelow),
            partitions,
            overwrite);
    SparkSession spark = SparkSession.builder().appName("orz curate pass-rate").getOrCreate();
    Result result = run(spark, settings, System.err);
    System.out.println(result.describe());
    return 0;
  }

  public static Result run(SparkSession spark, Settings settings, PrintStream console)
      throws IOException {
    long start = System.nanoTime();
    jobGroup(spark, "read " + settings.input());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    checkOutput(conf, settings);

    Dataset<Row> prompts = PromptTable.read(spark, settings.input());
    Row fingerprint =
        prompts
            .agg(
                count(lit(1)),
                count_distinct(col(PromptSchema.PROMPT_ID)),
                bit_xor(xxhash64(col(PromptSchema.PROMPT_ID))))
            .first();
    long rowsIn = fingerprint.getLong(0);
    if (fingerprint.getLong(1) != rowsIn) {
      throw new IllegalArgumentException(
          String.format(
              "%s has %d rows but %d distinct prompt ids; remove the duplicates first (orz curate"
                  + " dedup)",
              settings.input(), rowsIn, fingerprint.getLong(1)));
    }
    long idXor = fingerprint.isNullAt(2) ? 0L : fingerprint.getLong(2);
    PassRateWork work =
        PassRateWork.open(
            spark, settings.output(), generation(settings, rowsIn, idXor), settings.partitions());

    List<Integer> generated = new ArrayList<>();
    List<Integer> reused = new ArrayList<>();
    Dataset<Row> tagged = work.tag(prompts).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      for (int p = 0; p < settings.partitions(); p++) {
        if (work.isComplete(p)) {
          reused.add(p);
        } else {
          jobGroup(spark, String.format("partition %d/%d", p + 1, settings.partitions()));
          work.generate(p, tagged, settings.model(), settings.sampling(), console);
          generated.add(p);
        }
      }
    } finally {
      tagged.unpersist();
    }
    return assemble(spark, settings, work, rowsIn, generated, reused, start);
  }

  /**
   * What the partitions' content depends on: a rerun continues only under the same values. The
   * input is fingerprinted by its row count and the XOR of its prompt ids' hashes.
   */
  private static Map<String, Object> generation(Settings settings, long rowsIn, long idXor) {
    Map<String, Object> generation = new LinkedHashMap<>();
    generation.put("input", settings.input());
    generation.put("input_rows", rowsIn);
    generation.put("input_prompt_id_xor", idXor);
    generation.put("model", settings.model().toAbsolutePath().normalize().toString());
    generation.put("samples", settings.sampling().samples());
    generation.put("temperature", settings.sampling().temperature());
    generation.put("top_p", settings.sampling().topP());
    generation.put("max_new_tokens", settings.sampling().maxNewTokens());
    generation.put("template", settings.sampling().template());
    generation.put("seed", settings.sampling().seed());
    generation.put("partitions", settings.partitions());
    return generation;
  }

  private static void jobGroup(SparkSession spark, String what) {
    spark.sparkContext().setJobGroup("curate pass-rate", "orz curate pass-rate: " + what, false);
  }

  /**
   * Before any generation: a complete output is redone only with --overwrite; an incomplete one is
   * continued when it holds nothing but the work folder of an earlier run (or nothing at all), as
   * only such a folder or an orz output is orz's to replace at the end ({@link OrzOutputs}).
   */
  private static void checkOutput(Configuration conf, Settings settings) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(settings.output());
    FileSystem fs = dir.getFileSystem(conf);
    if (!settings.overwrite() && AtomicOutput.isComplete(conf, settings.output())) {
      throw new IllegalArgumentException(
          "output "
              + dir
              + " is complete; allow overwriting to redo it (partitions generated with the same"
              + " settings are reused)");
    }
    OrzOutputs.checkReplaceable(fs, fs.makeQualified(dir), List.of(PassRateWork.FOLDER));
  }

  /** Splits the per-prompt rows by the band and writes the output folder atomically. */
  private static Result assemble(
      SparkSession spark,
      Settings settings,
      PassRateWork work,
      long rowsIn,
      List<Integer> generated,
      List<Integer> reused,
      long start)
      throws IOException {
    jobGroup(spark, "assemble " + settings.output());
    PassRateBand band = settings.band();
    UserDefinedFunction reasonOf =
        udf((UDF2<Integer, Integer, String>) band::reason, DataTypes.StringType);
    UserDefinedFunction hardOf =
        udf((UDF2<Integer, Integer, Boolean>) band::hard, DataTypes.BooleanType);
    Dataset<Row> judged =
        work.prompts()
            .withColumn(
                REASON, reasonOf.apply(col(PassRateWork.CORRECT), col(PassRateWork.SAMPLE_COUNT)));
    Map<String, Long> removedByReason = new LinkedHashMap<>();
    removedByReason.put(PassRateBand.AT_OR_BELOW_MIN, 0L);
    removedByReason.put(PassRateBand.ABOVE_MAX, 0L);
    long judgedRows = 0;
    for (Row row : judged.groupBy(REASON).count().collectAsList()) {
      judgedRows += row.getLong(1);
      if (!row.isNullAt(0)) {
        removedByReason.put(row.getString(0), row.getLong(1));
      }
    }
    if (judgedRows != rowsIn) {
      throw new IllegalStateException(
          "the partitions hold " + judgedRows + " prompts, the input " + rowsIn);
    }
    Map<Integer, Long> histogram = new TreeMap<>();
    for (Row row : judged.groupBy(PassRateWork.CORRECT).count().collectAsList()) {
      histogram.put(row.getInt(0), row.getLong(1));
    }
    Map<String, Double> bySource = new TreeMap<>();
    for (Row row :
        judged.groupBy(PromptSchema.SOURCE).agg(avg(PromptSchema.PASS_RATE)).collectAsList()) {
      bySource.put(row.getString(0), row.getDouble(1));
    }
    Dataset<Row> kept = judged.filter(col(REASON).isNull()).drop(REASON);
    long removed = removedByReason.values().stream().mapToLong(Long::longValue).sum();

    // The work folder moves into the new output, so the partitions' samples stay inspectable
    // under it.
    try (AtomicOutput out =
        AtomicOutput.begin(
            spark.sparkContext().hadoopConfiguration(),
            settings.output(),
            true,
            PassRateWork.FOLDER)) {
      out.writeParquet(kept, "");
      out.writeParquet(judged.filter(col(REASON).isNotNull()), CurationSummary.REMOVED_FOLDER);
      OptionalLong hard = OptionalLong.empty();
      if (band.hasHardSubset()) {
        Dataset<Row> hardPrompts =
            kept.filter(hardOf.apply(col(PassRateWork.CORRECT), col(PassRateWork.SAMPLE_COUNT)));
        out.writeParquet(hardPrompts, HARD_FOLDER);
        hard = OptionalLong.of(hardPrompts.count());
      }
      Result result =
          new Result(
              out.target(),
              rowsIn,
              rowsIn - removed,
              removedByReason,
              hard,
              histogram,
              bySource,
              generated,
              reused,
              (System.nanoTime() - start) / 1_000_000);
      out.writeText(CurationSummary.FILE, CurationSummary.json(summary(settings, result)));
      out.commit();
      return result;
    }
  }

  private static Map<String, Object> summary(Settings settings, Result result) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("input", settings.input());
    summary.put("output", result.output());
    summary.put("model", settings.model().toAbsolutePath().normalize().toString());
    summary.put("sampling", settings.sampling());
    summary.put("min", settings.band().min());
    summary.put("max", settings.band().max());
    summary.put("hard_below", settings.band().hasHardSubset() ? settings.band().hardBelow() : null);
    summary.put("rows_in", result.rowsIn());
    summary.put("kept", result.kept());
    summary.put("removed_by_reason", result.removedByReason());
    summary.put("hard", result.hard().isPresent() ? result.hard().getAsLong() : null);
    summary.put("prompts_by_correct_samples", result.correctHistogram());
    summary.put("mean_pass_rate_by_source", result.meanPassRateBySource());
    summary.put(
        "partitions",
        Map.of(
            "total", settings.partitions(),
            "generated", result.generated().size(),
            "reused", result.reused().size()));
    summary.put("wall_ms", result.wallMillis());
    return summary;
  }
}
