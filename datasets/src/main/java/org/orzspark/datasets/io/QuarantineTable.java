package org.orzspark.datasets.io;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.datasets.read.QuarantineEntry;

/**
 * The quarantine table written next to an output ({@code <output>/_quarantine/}): one row per
 * rejected input record, {@code reason} (a {@code QuarantineReason} code such as {@code
 * broken_escape}), {@code detail}, {@code source_file}, {@code line_or_index}, {@code original}.
 */
public final class QuarantineTable {

  /**
   * Folder of the quarantine inside an output folder (hidden from Spark's readers by the
   * underscore).
   */
  public static final String FOLDER = "_quarantine";

  /** Why the record was rejected (a {@code QuarantineReason} code or a sentence). */
  public static final String REASON = "reason";

  public static final StructType SCHEMA =
      new StructType()
          .add(REASON, DataTypes.StringType, false)
          .add("detail", DataTypes.StringType, false)
          .add("source_file", DataTypes.StringType, false)
          .add("line_or_index", DataTypes.LongType, false)
          .add("original", DataTypes.StringType, false);

  private QuarantineTable() {}

  public static Row toRow(QuarantineEntry entry) {
    return RowFactory.create(
        entry.reason().code(),
        entry.detail(),
        entry.sourceFile(),
        entry.lineOrIndex(),
        entry.original());
  }

  public static Dataset<Row> toDataFrame(SparkSession spark, List<QuarantineEntry> entries) {
    return spark.createDataFrame(entries.stream().map(QuarantineTable::toRow).toList(), SCHEMA);
  }
}
