package org.orzspark.datasets.curate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.orzspark.datasets.PromptSchema;

/**
 * The deduplication recipe: exact duplicates ({@link ExactDuplicates}), then n-gram near-duplicates
 * among the survivors ({@link NgramNearDuplicates}), then, when an embedder is given, embedding
 * near-duplicates among those ({@link EmbeddingNearDuplicates}); each near-duplicate stage groups
 * its pairs ({@link NearDuplicateGrouping}). Every input row ends up either kept or removed with
 * its reason: {@code rows in = kept + removed}.
 */
public final class Deduplicator {

  /** Per-stage settings; {@code embedding} is used only with an embedder. */
  public record Settings(
      NgramNearDuplicates.Settings ngram, EmbeddingNearDuplicates.Settings embedding) {}

  /**
   * @param kept surviving prompt rows ({@link PromptSchema}), cached
   * @param removed {@link RemovedDuplicates#SCHEMA} rows of every stage, cached
   * @param counts {@code rows_in}, {@code kept}, {@code removed_exact}, {@code removed_minhash},
   *     {@code removed_embedding}, {@code answer_conflicts}, and the stages' own counts
   * @param stageMillis wall time per stage, in run order
   */
  public record Outcome(
      Dataset<Row> kept,
      Dataset<Row> removed,
      Map<String, Long> counts,
      Map<String, Long> stageMillis) {}

  private Deduplicator() {}

  public static Outcome run(
      Dataset<Row> prompts, Settings settings, Optional<QuestionEmbedder> embedder) {
    StageClock clock = new StageClock();
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("rows_in", prompts.count());
    DedupSplit exact = clock.time("exact", () -> materialise(ExactDuplicates.split(prompts)));
    requireUniqueIds(exact.kept());
    DedupSplit near =
        materialise(
            NearDuplicateGrouping.split(
                exact.kept(),
                NgramNearDuplicates.find(exact.kept(), settings.ngram(), clock, counts),
                clock,
                counts));
    Dataset<Row> removed = exact.removed().union(near.removed());
    Dataset<Row> kept = near.kept();
    if (embedder.isPresent()) {
      DedupSplit embedded =
          materialise(
              NearDuplicateGrouping.split(
                  kept,
                  EmbeddingNearDuplicates.find(
                      kept, embedder.get(), settings.embedding(), clock, counts),
                  clock,
                  counts));
      removed = removed.union(embedded.removed());
      kept = embedded.kept();
    }
    removed = removed.persist(StorageLevel.MEMORY_AND_DISK());
    counts.put("kept", kept.count());
    Map<String, Long> byMethod = new LinkedHashMap<>();
    for (String method :
        new String[] {
          RemovedDuplicates.EXACT, RemovedDuplicates.MINHASH, RemovedDuplicates.EMBEDDING
        }) {
      byMethod.put("removed_" + method, 0L);
    }
    for (Row row : removed.groupBy(RemovedDuplicates.METHOD).count().collectAsList()) {
      byMethod.put("removed_" + row.getAs(RemovedDuplicates.METHOD), row.<Long>getAs("count"));
    }
    counts.putAll(byMethod);
    counts.put("answer_conflicts", removed.filter(col(RemovedDuplicates.ANSWER_CONFLICT)).count());
    return new Outcome(kept, removed, counts, clock.millis());
  }

  private static DedupSplit materialise(DedupSplit split) {
    Dataset<Row> kept = split.kept().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> removed = split.removed().persist(StorageLevel.MEMORY_AND_DISK());
    kept.count();
    removed.count();
    return new DedupSplit(kept, removed);
  }

  /**
   * Grouping keys on {@code prompt_id}; two different questions sharing one (ids not computed by
   * {@link org.orzspark.datasets.PromptId}) would merge their groups, so that is refused up front.
   */
  private static void requireUniqueIds(Dataset<Row> kept) {
    Row row =
        kept.agg(count("*").as("rows"), countDistinct(col(PromptSchema.PROMPT_ID)).as("ids"))
            .first();
    long rows = row.getAs("rows");
    long ids = row.getAs("ids");
    if (rows != ids) {
      throw new IllegalArgumentException(
          (rows - ids)
              + " prompt_id values are shared by questions that are not exact duplicates;"
              + " ids must be PromptId.of(question) (re-run orz prepare on the input)");
    }
  }
}
