package org.orzspark.datasets.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.testing.SharedSpark;

class PromptFilesTest {

  @TempDir Path dir;

  private final SparkSession spark = SharedSpark.session();

  private String write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file.toString();
  }

  @Test
  void autoDetectsEachFormatFromContentNotName() throws IOException {
    String orz =
        write(
            "a.txt",
            " [ [{\"from\":\"human\",\"value\":\"q1\"},"
                + "{\"from\":\"assistant\",\"ground_truth\":{\"value\":\"1\"}}]]");
    String eval =
        write(
            "b.data",
            "[\n  {\"prompt\":[{\"from\":\"user\",\"value\":\"q2\"}],\"final_answer\":\"2\"}]");
    String jsonl = write("c.json", "{\"problem\":\"q3\",\"answer\":3}\n");
    assertThat(PromptFiles.read(spark, orz, InputFormat.AUTO).parsed().get(0).record().question())
        .isEqualTo("q1");
    assertThat(PromptFiles.read(spark, eval, InputFormat.AUTO).parsed().get(0).record().answer())
        .isEqualTo("2");
    ReadResult lines = PromptFiles.read(spark, jsonl, InputFormat.AUTO);
    assertThat(lines.parsed().get(0).record().source()).isEqualTo("c");
    assertThat(lines.parsed().get(0).sourceFile()).isEqualTo(jsonl);
  }

  @Test
  void undetectableContentAsksForAnExplicitFormat() throws IOException {
    String csv = write("x.csv", "question,answer\n");
    assertThatThrownBy(() -> PromptFiles.read(spark, csv, InputFormat.AUTO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.csv")
        .hasMessageContaining("--format");
  }

  @Test
  void aByteOrderMarkAndWindowsLineEndsAreNoPartOfTheRecords() throws IOException {
    String lines =
        write(
            "bom.jsonl",
            "\uFEFF{\"problem\":\"What is 1+1?\",\"answer\":\"2\"}\r\n\r\n"
                + "{\"problem\":\"What is 2+2?\",\"answer\":4}\r\n");
    ReadResult read = PromptFiles.read(spark, lines, InputFormat.AUTO);
    assertThat(read.quarantined()).isEmpty();
    assertThat(read.parsed())
        .extracting(p -> p.record().question(), p -> p.record().answer())
        .containsExactly(tuple("What is 1+1?", "2"), tuple("What is 2+2?", "4"));
    assertThat(read.parsed().get(1).lineOrIndex()).isEqualTo(3);
  }

  @Test
  void invalidUtf8BytesAreQuarantinedNotRepaired() throws IOException {
    Path file = dir.resolve("bad.jsonl");
    byte[] prefix = "{\"problem\":\"caf".getBytes(StandardCharsets.UTF_8);
    byte[] suffix =
        "\",\"answer\":\"1\"}\n{\"problem\":\"ok\",\"answer\":\"2\"}\n"
            .getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[prefix.length + 1 + suffix.length];
    System.arraycopy(prefix, 0, bytes, 0, prefix.length);
    bytes[prefix.length] = (byte) 0xE9; // Latin-1 'é': not valid UTF-8
    System.arraycopy(suffix, 0, bytes, prefix.length + 1, suffix.length);
    Files.write(file, bytes);
    ReadResult read = PromptFiles.read(spark, file.toString(), InputFormat.AUTO);
    PromptValidator validator =
        new PromptValidator(PromptValidator.Limits.DEFAULT).addAll(read.parsed());
    assertThat(validator.accepted()).extracting(PromptRecord::question).containsExactly("ok");
    assertThat(validator.quarantined())
        .singleElement()
        .satisfies(q -> assertThat(q.reason()).isEqualTo(QuarantineReason.INVALID_CHARACTER));
  }

  @Test
  void readsParquetInThePromptSchemaAndRejectsOtherSchemas() throws IOException {
    List<PromptRecord> records =
        List.of(
            PromptRecord.of("q1", "1", "src", List.of("a", "b"), 0.25, Map.of("k", "v")),
            PromptRecord.of("q2", "2", "src", null, null, Map.of()));
    String table = dir.resolve("prompts").toString();
    PromptSchema.toDataFrame(spark, records).coalesce(1).write().parquet(table);
    ReadResult read = PromptFiles.read(spark, table, InputFormat.AUTO);
    assertThat(read.parsed()).extracting(ParsedPrompt::record).containsExactlyElementsOf(records);
    assertThat(read.parsed().get(0).original()).contains("\"question\":\"q1\"");

    StructType minimal =
        new StructType().add("question", DataTypes.StringType).add("answer", DataTypes.StringType);
    String minimalTable = dir.resolve("minimal.parquet").toString();
    spark
        .createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("q", null)), minimal)
        .write()
        .parquet(minimalTable);
    ReadResult minimalRead = PromptFiles.read(spark, minimalTable, InputFormat.PARQUET);
    assertThat(minimalRead.quarantined())
        .singleElement()
        .satisfies(q -> assertThat(q.reason()).isEqualTo(QuarantineReason.MISSING_FIELD));

    StructType wrong =
        new StructType().add("question", DataTypes.StringType).add("answer", DataTypes.IntegerType);
    String wrongTable = dir.resolve("wrong").toString();
    Dataset<Row> frame =
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("q", 1)), wrong);
    frame.write().parquet(wrongTable);
    assertThatThrownBy(() -> PromptFiles.read(spark, wrongTable, InputFormat.AUTO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("string column 'answer'");
  }
}
