package org.orzspark.datasets.io;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.orzspark.datasets.PromptSchema;

/**
 * Reads a prompt table (Parquet of {@link PromptSchema}, as {@code orz prepare} and {@code orz
 * synth} write it) lazily through Spark, so it scales past what a driver holds. Columns are checked
 * by name and type before any job runs; extra columns are dropped; the result has exactly {@link
 * PromptSchema#SCHEMA}'s columns in its order.
 */
public final class PromptTable {

  private PromptTable() {}

  public static Dataset<Row> read(SparkSession spark, String path) {
    Dataset<Row> frame = spark.read().parquet(path);
    List<String> problems = new ArrayList<>();
    Column[] columns = new Column[PromptSchema.SCHEMA.size()];
    int i = 0;
    for (StructField field : PromptSchema.SCHEMA.fields()) {
      if (!List.of(frame.columns()).contains(field.name())) {
        problems.add("missing column " + field.name());
      } else {
        var actual = frame.schema().apply(field.name()).dataType();
        if (!actual.sameType(field.dataType())) {
          problems.add(
              field.name()
                  + " is "
                  + actual.simpleString()
                  + ", not "
                  + field.dataType().simpleString());
        }
      }
      columns[i++] = col(field.name());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          path
              + " is not a prompt table ("
              + String.join("; ", problems)
              + "); convert it with orz prepare first");
    }
    return frame.select(columns);
  }
}
