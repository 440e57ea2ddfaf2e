package org.orzspark.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.SharedSpark;

class PromptSchemaTest {

  @TempDir Path dir;

  @Test
  void schemaHasTheDocumentedColumns() {
    assertThat(PromptSchema.SCHEMA.simpleString())
        .isEqualTo(
            "struct<prompt_id:string,question:string,answer:string,source:string,"
                + "choices:array<string>,pass_rate:double,metadata:map<string,string>>");
  }

  @Test
  void recordsSurviveAParquetRoundTrip() {
    SparkSession spark = SharedSpark.session();
    List<PromptRecord> records =
        List.of(
            PromptRecord.of(
                "Pick.\nA. x", "A", "gpqa", List.of("x", "y"), 0.5, Map.of("level", "3")),
            PromptRecord.of("What is $\\frac{1}{2}$?", "\\frac12", "math", null, null, Map.of()));
    String path = dir.resolve("p").toString();
    PromptSchema.toDataFrame(spark, records).write().parquet(path);
    Dataset<Row> back = spark.read().parquet(path);
    assertThat(back.schema().simpleString()).isEqualTo(PromptSchema.SCHEMA.simpleString());
    List<PromptRecord> read = back.collectAsList().stream().map(PromptSchema::fromRow).toList();
    assertThat(read).containsExactlyInAnyOrderElementsOf(records);
  }
}
