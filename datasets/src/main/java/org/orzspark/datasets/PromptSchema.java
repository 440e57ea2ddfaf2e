package org.orzspark.datasets;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The prompt table's Spark schema and the conversions between its rows and {@link PromptRecord}.
 *
 * <pre>
 * prompt_id  string               not null  PromptId.of(question)
 * question   string               not null
 * answer     string               not null  ground truth
 * source     string               not null
 * choices    array&lt;string&gt;        null      multiple-choice options in order
 * pass_rate  double               null
 * metadata   map&lt;string,string&gt;   not null  possibly empty
 * </pre>
 */
public final class PromptSchema {

  public static final String PROMPT_ID = "prompt_id";
  public static final String QUESTION = "question";
  public static final String ANSWER = "answer";
  public static final String SOURCE = "source";
  public static final String CHOICES = "choices";
  public static final String PASS_RATE = "pass_rate";
  public static final String METADATA = "metadata";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(PROMPT_ID, DataTypes.StringType, false),
            DataTypes.createStructField(QUESTION, DataTypes.StringType, false),
            DataTypes.createStructField(ANSWER, DataTypes.StringType, false),
            DataTypes.createStructField(SOURCE, DataTypes.StringType, false),
            DataTypes.createStructField(
                CHOICES, DataTypes.createArrayType(DataTypes.StringType, false), true),
            DataTypes.createStructField(PASS_RATE, DataTypes.DoubleType, true),
            DataTypes.createStructField(
                METADATA,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false),
                false)
          });

  private PromptSchema() {}

  public static Row toRow(PromptRecord record) {
    return RowFactory.create(
        record.promptId(),
        record.question(),
        record.answer(),
        record.source(),
        record.choices(),
        record.passRate(),
        record.metadata());
  }

  /** Reads a row of {@link #SCHEMA} (columns looked up by name, so their order does not matter). */
  public static PromptRecord fromRow(Row row) {
    int choices = row.fieldIndex(CHOICES);
    int passRate = row.fieldIndex(PASS_RATE);
    int metadata = row.fieldIndex(METADATA);
    List<String> choiceList = row.isNullAt(choices) ? null : row.getList(choices);
    Map<String, String> metadataMap = row.isNullAt(metadata) ? Map.of() : row.getJavaMap(metadata);
    return new PromptRecord(
        row.getString(row.fieldIndex(PROMPT_ID)),
        row.getString(row.fieldIndex(QUESTION)),
        row.getString(row.fieldIndex(ANSWER)),
        row.getString(row.fieldIndex(SOURCE)),
        choiceList,
        row.isNullAt(passRate) ? null : row.getDouble(passRate),
        metadataMap);
  }

  /** The records as a DataFrame of {@link #SCHEMA}. */
  public static Dataset<Row> toDataFrame(SparkSession spark, List<PromptRecord> records) {
    return spark.createDataFrame(records.stream().map(PromptSchema::toRow).toList(), SCHEMA);
  }
}
