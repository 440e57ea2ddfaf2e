package org.orzspark.jobs.curate;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.curate.Deduplicator;
import org.orzspark.datasets.curate.EmbeddingNearDuplicates;
import org.orzspark.datasets.curate.NgramNearDuplicates;
import org.orzspark.datasets.curate.RemovedDuplicates;
import org.orzspark.datasets.synth.PlantedDuplicates;
import org.orzspark.jobs.SparkJob;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz bench curate}: deduplication throughput on a generated set with planted duplicates
 * ({@link PlantedDuplicates}), the split of its time between stages (exact, shingling, LSH join,
 * grouping), and its precision and recall against the planted truth. Generation is not timed.
 */
@Command(
    name = "curate",
    mixinStandardHelpOptions = true,
    description = "Deduplication throughput (prompts/s) and time per stage on planted duplicates.")
public final class BenchCurateCommand implements Callable<Integer> {

  @Option(
      names = "--count",
      defaultValue = "100000",
      description = "Prompts (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--duplicate-share",
      defaultValue = "0.2",
      description = "Share of planted duplicates (default: ${DEFAULT-VALUE}).")
  double duplicateShare;

  @Mixin MinHashOptions minHash = new MinHashOptions();

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of data and hashes (default: ${DEFAULT-VALUE}).")
  long seed;

  /**
   * @param prompts prompts deduplicated
   * @param planted duplicates planted
   * @param wallMillis deduplication wall time (data generation excluded)
   * @param stageMillis per stage
   * @param counts the deduplication's counts
   * @param precision removed prompts whose representative derives from the same original
   * @param recall of the planted duplicates, the share removed with a correct representative
   */
  public record Result(
      long prompts,
      long planted,
      long wallMillis,
      Map<String, Long> stageMillis,
      Map<String, Long> counts,
      double precision,
      double recall) {

    public double promptsPerSecond() {
      return prompts * 1000.0 / Math.max(1, wallMillis);
    }

    public String describe() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              "bench curate: %d prompts (%d planted duplicates) deduplicated in %.1f s: %.0f"
                  + " prompts/s%n",
              prompts, planted, wallMillis / 1000.0, promptsPerSecond()));
      long staged = stageMillis.values().stream().mapToLong(Long::longValue).sum();
      stageMillis.forEach(
          (stage, ms) ->
              out.append(
                  String.format(
                      "  %-10s %8.1f s  %5.1f%%%n",
                      stage, ms / 1000.0, 100.0 * ms / Math.max(1, staged))));
      out.append(
          String.format(
              "  removed: exact %d, minhash %d; candidate pairs %d, similar pairs %d, groups %d%n",
              counts.get("removed_exact"),
              counts.get("removed_minhash"),
              counts.get("candidate_pairs"),
              counts.get("minhash_pairs"),
              counts.get("minhash_groups")));
      out.append(
          String.format(
              "  precision %.4f, recall %.4f against the planted truth", precision, recall));
      return out.toString();
    }
  }

  @Override
  public Integer call() throws IOException {
    return SparkJob.printSummary(
        "orz bench curate",
        spark -> run(spark, count, duplicateShare, minHash.settings(seed), seed).describe());
  }

  public static Result run(
      SparkSession spark,
      int count,
      double duplicateShare,
      NgramNearDuplicates.Settings ngram,
      long seed) {
    PlantedDuplicates.PlantedSet set = PlantedDuplicates.generate(count, duplicateShare, seed);
    Dataset<Row> prompts =
        PromptSchema.toDataFrame(spark, set.prompts())
            .repartition(spark.sparkContext().defaultParallelism() * 2)
            .persist(StorageLevel.MEMORY_AND_DISK());
    prompts.count();
    Stopwatch clock = Stopwatch.start();
    Deduplicator.Outcome outcome =
        Deduplicator.run(
            prompts,
            new Deduplicator.Settings(
                ngram, new EmbeddingNearDuplicates.Settings(0.95, 8, 2.0, seed)),
            Optional.empty());
    long wall = clock.millis();
    List<Row> removed =
        outcome
            .removed()
            .select(col(PromptSchema.PROMPT_ID), col(RemovedDuplicates.DUPLICATE_OF))
            .collectAsList();
    long correct =
        removed.stream()
            .filter(
                r -> {
                  String kept = r.getAs(RemovedDuplicates.DUPLICATE_OF);
                  return set.original()
                      .get(r.<String>getAs(PromptSchema.PROMPT_ID))
                      .equals(set.original().get(kept));
                })
            .count();
    return new Result(
        set.prompts().size(),
        set.planted(),
        wall,
        outcome.stageMillis(),
        outcome.counts(),
        removed.isEmpty() ? 1.0 : (double) correct / removed.size(),
        set.planted() == 0 ? 1.0 : (double) correct / set.planted());
  }
}
