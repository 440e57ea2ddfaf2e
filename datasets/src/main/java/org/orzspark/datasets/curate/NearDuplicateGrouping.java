package org.orzspark.datasets.curate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.orzspark.datasets.PromptSchema;

/**
 * Turns similar pairs into groups (connected components, so A~B~C is one group even when A and C
 * are not similar themselves) and keeps one prompt per group, the smallest {@code prompt_id}. Each
 * removed prompt records its representative, the method, and its similarity to the representative
 * (which for a chain can be below the threshold: it was grouped through its neighbours).
 *
 * <p>Stage timed on the clock: {@code grouping}.
 */
public final class NearDuplicateGrouping {

  private NearDuplicateGrouping() {}

  /**
   * @param prompts the prompt rows the pairs were found among (unique {@code prompt_id})
   * @param counts receives {@code <method>_groups}
   */
  public static DedupSplit split(
      Dataset<Row> prompts, NearDuplicatePairs found, StageClock clock, Map<String, Long> counts) {
    Dataset<Row> assigned =
        clock.time(
            "grouping",
            () -> {
              Dataset<Row> components =
                  ConnectedComponents.of(found.pairs()).persist(StorageLevel.MEMORY_AND_DISK());
              counts.put(
                  found.method() + "_groups",
                  components
                      .filter(
                          col(ConnectedComponents.ID).equalTo(col(ConnectedComponents.COMPONENT)))
                      .count());
              return components
                  .filter(col(ConnectedComponents.ID).notEqual(col(ConnectedComponents.COMPONENT)))
                  .select(
                      col(ConnectedComponents.ID).as(ConnectedComponents.SRC),
                      col(ConnectedComponents.COMPONENT).as(ConnectedComponents.DST));
            });
    Dataset<Row> withSimilarity =
        NgramNearDuplicates.withSimilarity(assigned, found.vectors(), found.similarity());
    Dataset<Row> representatives =
        prompts.select(
            col(PromptSchema.PROMPT_ID).as("_rep_id"), col(PromptSchema.ANSWER).as("_rep_answer"));
    Dataset<Row> removed =
        prompts
            .join(
                withSimilarity,
                prompts
                    .col(PromptSchema.PROMPT_ID)
                    .equalTo(withSimilarity.col(ConnectedComponents.SRC)))
            .join(representatives, col(ConnectedComponents.DST).equalTo(col("_rep_id")))
            .withColumn(RemovedDuplicates.DUPLICATE_OF, col(ConnectedComponents.DST))
            .withColumn(RemovedDuplicates.METHOD, lit(found.method()))
            .withColumn(
                RemovedDuplicates.ANSWER_CONFLICT,
                not(
                    ExactDuplicates.ANSWERS_AGREE.apply(
                        col(PromptSchema.ANSWER), col("_rep_answer"))))
            .select(ExactDuplicates.removedColumns());
    Dataset<Row> kept =
        prompts.join(
            assigned,
            prompts.col(PromptSchema.PROMPT_ID).equalTo(assigned.col(ConnectedComponents.SRC)),
            "left_anti");
    return new DedupSplit(kept, removed);
  }
}
