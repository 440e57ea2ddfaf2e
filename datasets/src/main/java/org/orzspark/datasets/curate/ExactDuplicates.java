package org.orzspark.datasets.curate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.orzspark.datasets.PromptSchema;

/**
 * Exact deduplication: prompts whose questions normalise equally ({@link QuestionNormalizer}) form
 * a group; the row with the smallest {@code prompt_id} (then answer, then source, so even repeated
 * ids resolve deterministically) is kept, the others are removed with {@code method = exact},
 * similarity 1, and {@code answer_conflict} when their answer disagrees with the kept one's. One
 * shuffle by the normalised question; no row is collected to the driver.
 */
public final class ExactDuplicates {

  /** question → {@link QuestionNormalizer#normalise}. */
  static final UserDefinedFunction NORMALISE =
      udf((UDF1<String, String>) QuestionNormalizer::normalise, DataTypes.StringType);

  /** (answer, representative's answer) → {@link AnswerAgreement#agree}. */
  static final UserDefinedFunction ANSWERS_AGREE =
      udf((UDF2<String, String, Boolean>) AnswerAgreement::agree, DataTypes.BooleanType);

  private ExactDuplicates() {}

  /** The split of {@code prompts} ({@link PromptSchema}) into kept and removed rows. */
  public static DedupSplit split(Dataset<Row> prompts) {
    WindowSpec group =
        Window.partitionBy(col("_norm"))
            .orderBy(
                col(PromptSchema.PROMPT_ID), col(PromptSchema.ANSWER), col(PromptSchema.SOURCE));
    Dataset<Row> ranked =
        prompts
            .withColumn("_norm", NORMALISE.apply(col(PromptSchema.QUESTION)))
            .withColumn("_rank", row_number().over(group))
            .withColumn("_rep_id", first(col(PromptSchema.PROMPT_ID)).over(group))
            .withColumn("_rep_answer", first(col(PromptSchema.ANSWER)).over(group));
    Dataset<Row> kept = ranked.filter(col("_rank").equalTo(1)).select(promptColumns());
    Dataset<Row> removed =
        ranked
            .filter(col("_rank").gt(1))
            .withColumn(RemovedDuplicates.DUPLICATE_OF, col("_rep_id"))
            .withColumn(RemovedDuplicates.METHOD, lit(RemovedDuplicates.EXACT))
            .withColumn(RemovedDuplicates.SIMILARITY, lit(1.0))
            .withColumn(
                RemovedDuplicates.ANSWER_CONFLICT,
                not(ANSWERS_AGREE.apply(col(PromptSchema.ANSWER), col("_rep_answer"))))
            .select(removedColumns());
    return new DedupSplit(kept, removed);
  }

  static Column[] promptColumns() {
    return columns(PromptSchema.SCHEMA.fieldNames());
  }

  static Column[] removedColumns() {
    return columns(RemovedDuplicates.SCHEMA.fieldNames());
  }

  private static Column[] columns(String[] names) {
    Column[] columns = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      columns[i] = col(names[i]);
    }
    return columns;
  }
}
