package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.SharedSpark;

class ScoreCommandTest {
  @TempDir Path dir;

  @Test
  void scoresJsonlAtomicallyAndQuarantinesBadRows() throws Exception {
    Path input = dir.resolve("responses.jsonl");
    Files.write(
        input,
        List.of(
            "{\"id\": 1, \"response\": \"<think>ok</think> <answer>\\\\boxed{\\\\frac12}</answer>\", \"ground_truth\": \"0.5\", \"finished\": true}",
            "{\"id\": 2, \"response\": \"<think>Wait, no</think> <answer>\\\\boxed{3}</answer>\", \"ground_truth\": \"4\", \"finished\": true}",
            "{\"id\": 3, \"response\": \"<answer>\\\\boxed{4}</answer>\", \"ground_truth\": \"4\", \"finished\": false}",
            "{\"id\": 4, \"response\": \"<answer>\\\\boxed{4}</answer>\"}",
            "{broken"));
    SparkSession spark = SharedSpark.session();
    String output = dir.resolve("scored").toString();
    ScoreCommand.Result result =
        ScoreCommand.run(
            spark, input.toString(), output, "response", "ground_truth", "finished", false);

    assertThat(result.rows()).isEqualTo(5);
    assertThat(result.scored()).isEqualTo(3);
    assertThat(result.quarantined()).isEqualTo(2);
    assertThat(result.meanReward()).isEqualTo(1.0 / 3);
    assertThat(dir.resolve("scored/_SUCCESS")).exists();
    List<Row> rows =
        spark
            .read()
            .parquet(output)
            .orderBy("id")
            .select("id", "reward", "extracted_answer")
            .collectAsList();
    assertThat(rows.stream().map(r -> r.getFloat(1)).toList()).containsExactly(1f, 0f, 0f);
    assertThat(rows.get(1).getString(2)).isEqualTo("3");
    List<Row> quarantined =
        spark.read().parquet(output + "/_quarantine").select("quarantine_reason").collectAsList();
    assertThat(quarantined.stream().map(r -> r.getString(0)).toList())
        .containsExactlyInAnyOrder("malformed-json", "missing-ground_truth");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("responses.jsonl", "scored");
    }
    assertThatThrownBy(
            () ->
                ScoreCommand.run(
                    spark, input.toString(), output, "response", "ground_truth", "finished", false))
        .hasMessageContaining("exists");
    assertThatThrownBy(
            () ->
                ScoreCommand.run(
                    spark,
                    input.toString(),
                    output + "2",
                    "text",
                    "ground_truth",
                    "finished",
                    false))
        .hasMessageContaining("no column 'text'");
  }

  /**
   * A poisoned ground truth and a poisoned response (a binomial whose k once sent the verifier into
   * an endless loop) score 0 at once and leave the rest of the file scored.
   */
  @Test
  void poisonedAnswersScoreZeroWithoutHangingTheJob() throws Exception {
    String hostile = "\\\\binom{5}{10^{10}}";
    Path input = dir.resolve("poisoned.jsonl");
    Files.write(
        input,
        List.of(
            "{\"id\": 1, \"response\": \"<answer>\\\\boxed{10}</answer>\", \"ground_truth\": \""
                + hostile
                + "\"}",
            "{\"id\": 2, \"response\": \"<answer>\\\\boxed{"
                + hostile
                + "}</answer>\", \"ground_truth\": \"10\"}",
            "{\"id\": 3, \"response\": \"<answer>\\\\boxed{10}</answer>\", \"ground_truth\": \"\\\\binom{5}{2}\"}"));
    SparkSession spark = SharedSpark.session();
    String output = dir.resolve("poisoned-scored").toString();
    ScoreCommand.Result result =
        assertTimeoutPreemptively(
            Duration.ofMinutes(2),
            () ->
                ScoreCommand.run(
                    spark,
                    input.toString(),
                    output,
                    "response",
                    "ground_truth",
                    "finished",
                    false));

    assertThat(result).isEqualTo(new ScoreCommand.Result(3, 3, 0, 1.0 / 3));
    List<Row> rows = spark.read().parquet(output).orderBy("id").select("reward").collectAsList();
    assertThat(rows.stream().map(r -> r.getFloat(0)).toList()).containsExactly(0f, 0f, 1f);
  }

  @Test
  void scoresParquetWithOtherColumnNamesAndNoFinishedFlag() throws Exception {
    SparkSession spark = SharedSpark.session();
    String input = dir.resolve("in.parquet").toString();
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("<answer>\\boxed{(1,2)}</answer>", "(1, 2)"),
                RowFactory.create("<answer>\\boxed{[1,2]}</answer>", "(1, 2)")),
            new StructType().add("text", DataTypes.StringType).add("answer", DataTypes.StringType))
        .write()
        .parquet(input);
    String output = dir.resolve("out").toString();
    ScoreCommand.Result result =
        ScoreCommand.run(spark, input, output, "text", "answer", "finished", false);
    assertThat(result).isEqualTo(new ScoreCommand.Result(2, 2, 0, 0.5));
    assertThat(dir.resolve("out/_quarantine")).doesNotExist();
  }

  @Test
  void linesThatCannotBeReadAsTheyAreAreQuarantinedWithTheirReason() throws Exception {
    String answer = "\", \"response\": \"<answer>\\\\boxed{4}</answer>\", \"ground_truth\": \"4\"}";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(
        ("{\"id\": 1, \"note\": \"ok" + answer + "\n").getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("{\"id\": 2, \"note\": \"caf".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xE9); // Latin-1 'é'
    bytes.writeBytes((answer + "\n").getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        ("{\"id\": 3, \"note\": \"x\\ud800" + answer + "\n").getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        ("{\"id\": 4, \"note\": \"" + "x".repeat(1 << 20) + answer + "\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("{broken\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        ("{\"id\": 5, \"note\": \"\\ud83d\\ude00" + answer + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(("{\"id\": 6, \"note\": \"last" + answer).getBytes(StandardCharsets.UTF_8));
    Path input = dir.resolve("bytes.jsonl");
    Files.write(input, bytes.toByteArray());
    SparkSession spark = SharedSpark.session();
    String output = dir.resolve("scored").toString();

    ScoreCommand.Result result =
        ScoreCommand.run(
            spark, input.toString(), output, "response", "ground_truth", "finished", false);

    assertThat(result).isEqualTo(new ScoreCommand.Result(7, 3, 4, 1.0));
    List<Row> rows =
        spark.read().parquet(output).orderBy("id").select("id", "note").collectAsList();
    assertThat(rows.stream().map(r -> r.getLong(0)).toList()).containsExactly(1L, 5L, 6L);
    assertThat(rows.get(1).getString(1)).isEqualTo("\ud83d\ude00");
    List<Row> quarantined =
        spark
            .read()
            .parquet(output + "/_quarantine")
            .selectExpr("quarantine_reason", "cast(_corrupt_record as binary)")
            .collectAsList();
    assertThat(quarantined.stream().map(r -> r.getString(0)).toList())
        .containsExactlyInAnyOrder(
            "invalid-utf8", "unpaired-surrogate", "line-too-long", "malformed-json");
    for (Row row : quarantined) {
      // Strict decoding: fails on any byte sequence that is not UTF-8.
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap((byte[]) row.get(1)))
              .toString();
      switch (row.getString(0)) {
        case "invalid-utf8" -> assertThat(text).startsWith("{\"id\": 2, \"note\": \"caf\uFFFD\"");
        case "unpaired-surrogate" ->
            assertThat(text).startsWith("{\"id\": 3, \"note\": \"x\\ud800\"");
        case "line-too-long" -> assertThat(text).hasSizeGreaterThan(1 << 20);
        default -> assertThat(text).isEqualTo("{broken");
      }
    }
  }
}
