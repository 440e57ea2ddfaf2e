package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.run.SampledPromptTable.SampledPrompt;
import org.orzspark.testing.SharedSpark;

class SampledPromptTableTest {

  @Test
  void rowsWrittenBySparkReadBackOnTheDriverByNameInDrawOrder(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.session();
    SampledPrompt first = new SampledPrompt(0, "b", "2+2?", "4");
    SampledPrompt second = new SampledPrompt(1, "a", "1+1?", "2");
    // Written out of draw order and with the columns in another order: read by name, sorted.
    Dataset<Row> table =
        spark
            .createDataFrame(
                List.of(SampledPromptTable.toRow(second), SampledPromptTable.toRow(first)),
                SampledPromptTable.SCHEMA)
            .select(
                SampledPromptTable.ANSWER,
                SampledPromptTable.QUESTION,
                SampledPromptTable.PROMPT_ID,
                SampledPromptTable.ORDER);
    String written = dir.resolve("table").toString();
    table.write().parquet(written);
    var conf = spark.sparkContext().hadoopConfiguration();
    assertThat(SampledPromptTable.read(conf, new String[] {written}))
        .containsExactly(first, second);

    String renamed = dir.resolve("renamed").toString();
    table.withColumnRenamed(SampledPromptTable.ORDER, "position").write().parquet(renamed);
    assertThatThrownBy(() -> SampledPromptTable.read(conf, new String[] {renamed}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column order");
  }
}
