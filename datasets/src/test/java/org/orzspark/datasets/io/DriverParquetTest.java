package org.orzspark.datasets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.SharedSpark;

class DriverParquetTest {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void readsTheRequestedColumnsOfAFolderAsSparkWroteThem(@TempDir Path dir) throws Exception {
    StructType schema =
        new StructType()
            .add("s", DataTypes.StringType, true)
            .add("i", DataTypes.IntegerType, false)
            .add("l", DataTypes.LongType, true)
            .add("d", DataTypes.DoubleType, true);
    String folder = dir.resolve("table").toString();
    // One file, with Spark's _SUCCESS and .crc side files beside it: not data.
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("é\uD83D\uDE00", 1, 10L, 0.5),
                RowFactory.create(null, 2, null, 1.5)),
            schema)
        .coalesce(1)
        .write()
        .parquet(folder);
    var conf = spark.sparkContext().hadoopConfiguration();

    List<Object[]> rows = new ArrayList<>();
    DriverParquet.read(conf, new String[] {folder}, List.of("l", "s", "i"), rows::add);
    assertThat(rows)
        .containsExactly(new Object[] {10L, "é\uD83D\uDE00", 1}, new Object[] {null, null, 2});

    assertThatThrownBy(() -> DriverParquet.read(conf, new String[] {folder}, List.of("d"), r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column d is DOUBLE");
    assertThatThrownBy(
            () -> DriverParquet.read(conf, new String[] {folder}, List.of("nope"), r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no column nope");
  }
}
