package org.orzspark.jobs.curate;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.curate.CurationSummary;
import org.orzspark.datasets.curate.Deduplicator;
import org.orzspark.datasets.curate.EmbeddingNearDuplicates;
import org.orzspark.datasets.curate.QuestionEmbedder;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.PromptTable;
import org.orzspark.jobs.OverwriteOption;
import org.orzspark.jobs.SparkJob;
import org.orzspark.model.ModelQuestionEmbedder;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz curate dedup}: exact, n-gram (MinHash LSH) and optionally embedding near-duplicate
 * removal ({@link Deduplicator}).
 *
 * <pre>
 * DIR/part-*.parquet   kept prompts (PromptSchema)
 * DIR/_removed/        removed prompts: the whole row + duplicate_of, method, similarity, answer_conflict
 * DIR/_summary.json    rows in, kept, removed by method, answer conflicts, stage counts and times
 * DIR/_SUCCESS
 * </pre>
 */
@Command(
    name = "dedup",
    mixinStandardHelpOptions = true,
    description = "Remove exact and near-duplicate prompts, keeping one per group.")
public final class DedupCommand implements Callable<Integer> {

  @Mixin CurationPaths paths = new CurationPaths();

  @Mixin MinHashOptions minHash = new MinHashOptions();

  @Option(
      names = "--embedding-model",
      description =
          "Hugging Face model directory of the engine (Qwen2) for embedding near-duplicates"
              + " (default: none, no embedding stage).")
  String embeddingModel;

  @Option(
      names = "--embedding-threshold",
      defaultValue = "0.95",
      description =
          "Cosine similarity at or above which prompts are embedding near-duplicates (default:"
              + " ${DEFAULT-VALUE}).")
  double embeddingThreshold;

  @Option(
      names = "--embedding-batch",
      defaultValue = "32",
      description = "Questions per model forward (default: ${DEFAULT-VALUE}).")
  int embeddingBatch;

  @Option(
      names = "--embedding-max-tokens",
      defaultValue = "512",
      description =
          "Questions are cut to this many tokens before embedding (default: ${DEFAULT-VALUE}).")
  int embeddingMaxTokens;

  @Option(
      names = "--embedding-tables",
      defaultValue = "8",
      description = "Random-projection LSH hash tables (default: ${DEFAULT-VALUE}).")
  int embeddingTables;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the LSH hash functions (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  /**
   * @param output the output folder, qualified
   * @param counts rows_in, kept, removed_exact, removed_minhash, removed_embedding,
   *     answer_conflicts, and the stages' counts
   * @param stageMillis wall time per stage
   * @param wallMillis wall time of the run
   * @param executors executor processes registered at the end (0 in local mode: the driver runs
   *     tasks)
   */
  public record Result(
      String output,
      Map<String, Long> counts,
      Map<String, Long> stageMillis,
      long wallMillis,
      int executors) {
    public String describe() {
      return String.format(
          "dedup: rows in %d, kept %d, removed exact %d, minhash %d, embedding %d (answer conflicts"
              + " %d) in %.1f s on %d executor(s) -> %s%n  stages (ms): %s",
          counts.get("rows_in"),
          counts.get("kept"),
          counts.get("removed_exact"),
          counts.get("removed_minhash"),
          counts.get("removed_embedding"),
          counts.get("answer_conflicts"),
          wallMillis / 1000.0,
          executors,
          output,
          stageMillis);
    }
  }

  @Override
  public Integer call() throws IOException {
    return SparkJob.printSummary(
        "orz curate dedup",
        spark ->
            run(spark, paths.input, paths.output, settings(), embedder(), overwrite.requested())
                .describe());
  }

  Deduplicator.Settings settings() {
    return new Deduplicator.Settings(
        minHash.settings(seed),
        new EmbeddingNearDuplicates.Settings(embeddingThreshold, embeddingTables, 2.0, seed));
  }

  Optional<QuestionEmbedder> embedder() {
    return Optional.ofNullable(embeddingModel)
        .map(dir -> new ModelQuestionEmbedder(dir, embeddingBatch, embeddingMaxTokens));
  }

  public static Result run(
      SparkSession spark,
      String input,
      String output,
      Deduplicator.Settings settings,
      Optional<QuestionEmbedder> embedder,
      boolean overwrite)
      throws IOException {
    Stopwatch clock = Stopwatch.start();
    spark.sparkContext().setJobGroup("curate dedup", "orz curate dedup: " + input, false);
    try (AtomicOutput out =
        AtomicOutput.begin(spark.sparkContext().hadoopConfiguration(), output, overwrite)) {
      Deduplicator.Outcome outcome =
          Deduplicator.run(PromptTable.read(spark, input), settings, embedder);
      out.writeParquet(outcome.kept(), "");
      out.writeParquet(outcome.removed(), CurationSummary.REMOVED_FOLDER);
      Result result =
          new Result(
              out.target(),
              outcome.counts(),
              outcome.stageMillis(),
              clock.millis(),
              spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("input", input);
      summary.put("output", result.output());
      summary.put("counts", result.counts());
      summary.put("stage_ms", result.stageMillis());
      summary.put("wall_ms", result.wallMillis());
      summary.put("settings", settings);
      summary.put("embedding", embedder.isPresent());
      out.writeText(CurationSummary.FILE, CurationSummary.json(summary));
      out.commit();
      return result;
    }
  }
}
