package org.orzspark.run;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.DriverParquet;

/**
 * The sample stage's table: the iteration's prompts in draw order ({@value #ORDER}, {@value
 * #PROMPT_ID}, {@value #QUESTION}, {@value #ANSWER}), the last three from the run's prompt set
 * ({@link PromptSchema}). This class owns its column names and its row writer and readers.
 */
public final class SampledPromptTable {
  /** The prompt's position in the iteration's draw. */
  public static final String ORDER = "order";

  public static final String PROMPT_ID = PromptSchema.PROMPT_ID;
  public static final String QUESTION = PromptSchema.QUESTION;
  public static final String ANSWER = PromptSchema.ANSWER;

  /** The table's schema: one row per drawn prompt. */
  public static final StructType SCHEMA =
      new StructType()
          .add(ORDER, DataTypes.IntegerType, false)
          .add(PROMPT_ID, DataTypes.StringType, false)
          .add(QUESTION, DataTypes.StringType, false)
          .add(ANSWER, DataTypes.StringType, false);

  private static final List<String> COLUMNS = List.of(ORDER, PROMPT_ID, QUESTION, ANSWER);

  private SampledPromptTable() {}

  /** One prompt of the iteration, in draw order. */
  public record SampledPrompt(int order, String promptId, String question, String answer)
      implements Serializable {}

  /** A row of {@link #SCHEMA}. */
  public static Row toRow(SampledPrompt prompt) {
    return new NamedRow(SCHEMA)
        .set(ORDER, prompt.order())
        .set(PROMPT_ID, prompt.promptId())
        .set(QUESTION, prompt.question())
        .set(ANSWER, prompt.answer())
        .build();
  }

  /**
   * The prompts of the table's Parquet {@code files}, in draw order, read on the driver by column
   * name ({@link DriverParquet}: no Spark job).
   */
  public static List<SampledPrompt> read(Configuration conf, String[] files) throws IOException {
    List<SampledPrompt> prompts = new ArrayList<>();
    DriverParquet.read(
        conf,
        files,
        COLUMNS,
        v ->
            prompts.add(
                new SampledPrompt((Integer) v[0], (String) v[1], (String) v[2], (String) v[3])));
    prompts.sort(Comparator.comparingInt(SampledPrompt::order));
    return List.copyOf(prompts);
  }
}
