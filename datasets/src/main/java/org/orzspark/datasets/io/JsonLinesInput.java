package org.orzspark.datasets.io;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * A JSON Lines file as a data frame in which every line is a row. Each raw line is checked first
 * ({@link JsonLineCheck}); the lines without a defect are parsed by Spark's JSON reader
 * (PERMISSIVE: a line that is not JSON keeps its text in {@code _corrupt_record}), the others
 * become rows with only {@code _corrupt_record}, their text made valid UTF-8 (bad bytes as U+FFFD),
 * and {@link #DEFECT}, the reason.
 */
public final class JsonLinesInput {

  /** The column that names a line's defect; null for lines that were parsed. */
  public static final String DEFECT = "_line_defect";

  public static final String CORRUPT_RECORD = "_corrupt_record";

  private JsonLinesInput() {}

  public static Dataset<Row> read(SparkSession spark, String path) {
    UserDefinedFunction check =
        udf((UDF1<byte[], String>) JsonLineCheck::defect, DataTypes.StringType);
    // The text source keeps each line's bytes as they are; the cast hands them to the check
    // unchanged.
    Dataset<Row> lines =
        spark
            .read()
            .text(path)
            .withColumn(DEFECT, check.apply(col("value").cast(DataTypes.BinaryType)));
    Dataset<String> readable =
        lines.filter(col(DEFECT).isNull()).select("value").as(Encoders.STRING());
    Dataset<Row> parsed = spark.read().option("mode", "PERMISSIVE").json(readable);
    Dataset<Row> defective =
        lines
            .filter(col(DEFECT).isNotNull())
            .select(call_function("make_valid_utf8", col("value")).as(CORRUPT_RECORD), col(DEFECT));
    return parsed.unionByName(defective, true);
  }
}
