package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.QuarantineTable;
import org.orzspark.datasets.read.InputFormat;
import org.orzspark.datasets.read.PromptValidator;
import org.orzspark.testing.RepoData;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

class PrepareCommandTest {

  @TempDir Path dir;

  private final SparkSession spark = SharedSpark.session();

  private static String orz(String question, String answer) {
    return "[{\"from\":\"human\",\"value\":\""
        + question
        + "\"},"
        + "{\"from\":\"assistant\",\"ground_truth\":{\"value\":\""
        + answer
        + "\"}}]";
  }

  @Test
  void writesValidPromptsAndQuarantinesEveryBadRecordWithItsReason() throws IOException {
    Path train = dir.resolve("train.json");
    Files.writeString(
        train,
        "["
            + String.join(
                ",",
                orz("What is 1+1?", "2"),
                orz("", "1"),
                orz("What is 2+2?", ""),
                "[{\"from\":\"human\",\"value\":\"no truth\"},{\"from\":\"assistant\"}]",
                "[{\"from\":\"human\" \"value\":\"broken json\"}]",
                orz("Find $\\\\frac{1}{2}$ of 4.", "2"),
                orz("x".repeat(200), "1"))
            + "]");
    Path lines = dir.resolve("more.jsonl");
    Files.writeString(
        lines,
        "{\"problem\":\"What  is 1+1?\",\"answer\":\"2\"}\n"
            + "{\"problem\":\"Find $\\frac{1}{4}$ of 8.\",\"answer\":2}\n"
            + "{\"problem\":\"What is 3+3?\",\"answer\":6}\n");
    String out = dir.resolve("prompts").toString();

    PrepareCommand.Result result =
        PrepareCommand.run(
            spark,
            List.of(train.toString(), lines.toString()),
            out,
            InputFormat.AUTO,
            new PromptValidator.Limits(100, 10),
            false);

    assertThat(result.read()).isEqualTo(10);
    assertThat(result.written()).isEqualTo(3);
    assertThat(result.quarantinedByReason())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "empty_question",
                1L,
                "empty_answer",
                1L,
                "missing_field",
                1L,
                "malformed_json",
                1L,
                "oversize",
                1L,
                "duplicate_id",
                1L,
                "broken_escape",
                1L));
    assertThat(result.read()).isEqualTo(result.written() + result.quarantined());
    assertThat(result.inputs())
        .containsExactly(
            new PrepareCommand.InputCounts(train.toString(), 7, 2, 5),
            new PrepareCommand.InputCounts(lines.toString(), 3, 1, 2));

    List<PromptRecord> written =
        spark.read().parquet(out).collectAsList().stream().map(PromptSchema::fromRow).toList();
    assertThat(written)
        .extracting(PromptRecord::question)
        .containsExactlyInAnyOrder("What is 1+1?", "Find $\\frac{1}{2}$ of 4.", "What is 3+3?");
    assertThat(written)
        .filteredOn(r -> r.question().equals("What is 3+3?"))
        .singleElement()
        .satisfies(r -> assertThat(r.source()).isEqualTo("more"));

    List<Row> quarantine = spark.read().parquet(out + "/" + QuarantineTable.FOLDER).collectAsList();
    assertThat(quarantine).hasSize(7);
    Row duplicate =
        quarantine.stream()
            .filter(r -> r.getString(0).equals("duplicate_id"))
            .findFirst()
            .orElseThrow();
    assertThat(duplicate.getString(2)).isEqualTo(lines.toString());
    assertThat(duplicate.getLong(3)).isEqualTo(1);
    assertThat(duplicate.getString(4))
        .isEqualTo("{\"problem\":\"What  is 1+1?\",\"answer\":\"2\"}");
    Row broken =
        quarantine.stream()
            .filter(r -> r.getString(0).equals("broken_escape"))
            .findFirst()
            .orElseThrow();
    assertThat(broken.getString(1)).contains("\\frac");

    JsonNode summary =
        JsonMapper.builder().build().readTree(Path.of(out, "_summary.json").toFile());
    assertThat(summary.get("read").asLong()).isEqualTo(10);
    assertThat(summary.get("written").asLong()).isEqualTo(3);
    assertThat(summary.get("quarantined_by_reason").get("oversize").asLong()).isEqualTo(1);
    assertThat(AtomicOutput.isComplete(spark.sparkContext().hadoopConfiguration(), out)).isTrue();
  }

  @Test
  void badBytesLoneSurrogatesAndLongLinesAreQuarantinedAndTheGoodRowsKept() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(
        "{\"problem\":\"What is 1+1?\",\"answer\":2}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("{\"problem\":\"caf".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xE9); // Latin-1 'é'
    bytes.writeBytes("?\",\"answer\":1}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        "{\"problem\":\"x\\ud800?\",\"answer\":1}\r\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        "{\"problem\":\"y?\",\"answer\":1,\"id\":\"\\udc00\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        ("{\"problem\":\"" + "z".repeat(2 << 20) + "\",\"answer\":1}\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        "{\"problem\":\"Smile \\ud83d\\ude00?\",\"answer\":3}".getBytes(StandardCharsets.UTF_8));
    Path lines = dir.resolve("bytes.jsonl");
    Files.write(lines, bytes.toByteArray());
    String out = dir.resolve("bytes").toString();

    PrepareCommand.Result result =
        PrepareCommand.run(
            spark,
            List.of(lines.toString()),
            out,
            InputFormat.AUTO,
            PromptValidator.Limits.DEFAULT,
            false);

    assertThat(result.quarantinedByReason())
        .containsExactlyInAnyOrderEntriesOf(Map.of("invalid_character", 3L, "oversize", 1L));
    assertThat(spark.read().parquet(out).collectAsList().stream().map(PromptSchema::fromRow))
        .extracting(PromptRecord::question)
        .containsExactlyInAnyOrder("What is 1+1?", "Smile \ud83d\ude00?");
    List<Row> quarantine =
        spark
            .read()
            .parquet(out + "/" + QuarantineTable.FOLDER)
            .orderBy("line_or_index")
            .collectAsList();
    assertThat(quarantine.stream().map(r -> r.getLong(3) + " " + r.getString(1)).toList())
        .containsExactly(
            "2 question: character U+FFFD at offset 3",
            "3 question: unpaired surrogate U+D800 at offset 1",
            "4 metadata 'id': unpaired surrogate U+DC00 at offset 0",
            "5 question has 2097152 characters, limit 16384");
    assertThat(quarantine.get(1).getString(4))
        .isEqualTo("{\"problem\":\"x\\ud800?\",\"answer\":1}");
  }

  @Test
  void preparesMath500FromTheSharedFolder() throws IOException {
    String out = dir.resolve("math500").toString();
    PrepareCommand.Result result =
        PrepareCommand.run(
            spark,
            List.of(RepoData.resolve("eval/math500.json").toString()),
            out,
            InputFormat.AUTO,
            PromptValidator.Limits.DEFAULT,
            false);
    System.out.println(result.describe());
    assertThat(result.written()).isEqualTo(500);
    assertThat(result.quarantined()).isZero();
    assertThat(spark.read().parquet(out).select(PromptSchema.PROMPT_ID).distinct().count())
        .isEqualTo(500);
  }

  @Test
  void commandLineRunsThroughPicocliAndRefusesToOverwriteByDefault() throws IOException {
    Path lines = dir.resolve("a.jsonl");
    Files.writeString(lines, "{\"problem\":\"What is 5-3?\",\"answer\":2}\n");
    String out = dir.resolve("cli").toString();
    String[] args = {"prepare", "--input", lines.toString(), "--output", out, "--format", "jsonl"};
    assertThat(Orz.commandLine().execute(args)).isZero();
    assertThat(spark.read().parquet(out).count()).isEqualTo(1);

    CommandLine again = Orz.commandLine();
    StringWriter err = new StringWriter();
    again.setErr(new PrintWriter(err));
    assertThat(again.execute(args)).isNotZero();
    assertThat(err.toString()).contains("already exists");

    String[] overwrite = {"prepare", "--input", lines.toString(), "--output", out, "--overwrite"};
    assertThat(Orz.commandLine().execute(overwrite)).isZero();
  }

  @Test
  void helpDocumentsEveryOptionWithItsDefault() {
    String usage = Orz.commandLine().getSubcommands().get("prepare").getUsageMessage();
    assertThat(usage)
        .contains(
            "--input",
            "--output",
            "--format",
            "default: auto",
            "default: 16384",
            "default: 1024",
            "--overwrite");
  }
}
