package org.orzspark.run;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.datasets.PromptSchema;

/**
 * The sample stage's table: the iteration's prompts in draw order ({@value #ORDER}, {@value
 * #PROMPT_ID}, {@value #QUESTION}, {@value #ANSWER}), the last three from the run's prompt set
 * ({@link PromptSchema}). This class owns its column names and its row writer and reader.
 */
public final class SampledPromptTable {
  /** The prompt's position in the iteration's draw. */
  public static final String ORDER = "order";

  public static final String PROMPT_ID = PromptSchema.PROMPT_ID;
  public static final String QUESTION = PromptSchema.QUESTION;
  public static final String ANSWER = PromptSchema.ANSWER;

  /** The draw before it is joined with the prompt set: {@value #ORDER} and {@value #PROMPT_ID}. */
  public static final StructType DRAW =
      new StructType()
          .add(ORDER, DataTypes.IntegerType, false)
          .add(PROMPT_ID, DataTypes.StringType, false);

  private SampledPromptTable() {}

  /** One prompt of the iteration, in draw order. */
  public record SampledPrompt(int order, String promptId, String question, String answer)
      implements Serializable {}

  /** A row of {@link #DRAW}. */
  public static Row drawRow(int order, String promptId) {
    return new NamedRow(DRAW).set(ORDER, order).set(PROMPT_ID, promptId).build();
  }

  /** The table's columns, to select from the draw joined with the prompt set. */
  public static Column[] columns() {
    return new Column[] {col(ORDER), col(PROMPT_ID), col(QUESTION), col(ANSWER)};
  }

  /** A row of the table, read by name. */
  public static SampledPrompt fromRow(Row row) {
    return new SampledPrompt(
        row.<Integer>getAs(ORDER), row.getAs(PROMPT_ID), row.getAs(QUESTION), row.getAs(ANSWER));
  }
}
