package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.reward.verify.AdversarialCorpus;
import org.orzspark.reward.verify.Verdict;
import org.orzspark.reward.verify.VerifyOptions;

class VerifyCommandTest {
  @TempDir Path dir;

  @Test
  void answersEveryLineInOrderAndReportsMalformedOnes() throws Exception {
    Path input = dir.resolve("pairs.jsonl");
    Files.write(
        input,
        List.of(
            "{\"gold\": \"$\\\\frac{1}{2}$\", \"pred\": \"The answer is $0.5$\"}",
            "{\"gold\": \"1/3\", \"pred\": \"0.3333\", \"precision\": 4, \"match_types\": [\"expr\"]}",
            "{\"gold\": \"1/3\", \"pred\": \"0.3333\"}",
            "not json at all",
            "{\"gold\": 5}",
            "{\"gold\": \"$f(x)$\", \"pred\": \"$f(y)$\", \"strict\": false, \"id\": 7}",
            "{\"gold\": \"5\", \"pred\": \"5\", \"match_types\": [\"words\"]}",
            "[1, 2]"),
        StandardCharsets.UTF_8);
    Path output = dir.resolve("out.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    VerifyCommand.Result result =
        VerifyCommand.run(
            input, output, 2000, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(result).isEqualTo(new VerifyCommand.Result(8, 3, 4));
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(output)) {
      lines.add(mapper.readTree(line));
    }
    assertThat(lines).hasSize(8);
    assertThat(lines.stream().map(n -> n.get("verified").asBoolean()).toList())
        .containsExactly(true, true, false, false, false, true, false, false);
    assertThat(lines.get(2).has("reason")).isFalse();
    assertThat(lines.get(3).get("reason").asText()).isEqualTo("bad-input");
    assertThat(lines.get(3).get("line").asInt()).isEqualTo(4);
    assertThat(lines.get(4).get("gold").asInt()).isEqualTo(5);
    assertThat(lines.get(5).get("id").asInt()).isEqualTo(7);
    assertThat(lines.get(6).get("reason").asText()).isEqualTo("bad-input");
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(stderr)
        .contains(
            "pairs.jsonl:4: bad input: not JSON",
            "pairs.jsonl:5: bad input",
            ":7: bad input: unknown match type");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("pairs.jsonl", "out.jsonl");
  }

  @Test
  void optionsApplyPerLine() throws Exception {
    Path input = dir.resolve("options.jsonl");
    Files.write(
        input,
        List.of(
            "{\"gold\": \"$x \\\\in [-2,7]$\", \"pred\": \"$-2 \\\\le x \\\\le 7$\"}",
            "{\"gold\": \"$x \\\\in [-2,7]$\", \"pred\": \"$-2 \\\\le x \\\\le 7$\", \"allow_set_relation_comp\": true}",
            "{\"gold\": \"$9999$\", \"pred\": \"final answer is $9999$, \\\\boxed{1}\"}",
            "{\"gold\": \"$9999$\", \"pred\": \"final answer is $9999$, \\\\boxed{1}\", \"boxed_priority\": 100}",
            "{\"gold\": \"1/3\", \"pred\": \"0.333\", \"precision\": 3}",
            "{\"gold\": \"1/3\", \"pred\": \"0.333\", \"precision\": \"3\"}",
            "{\"gold\": \"5\", \"pred\": \"\"}",
            ""),
        StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    VerifyCommand.Result result =
        VerifyCommand.run(
            input,
            null,
            2000,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(result).isEqualTo(new VerifyCommand.Result(8, 3, 2));
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(mapper.readTree(line));
    }
    assertThat(lines.stream().map(n -> n.get("verified").asBoolean()).toList())
        .containsExactly(false, true, false, true, true, false, false, false);
    assertThat(lines.get(5).get("reason").asText()).isEqualTo("bad-input");
    assertThat(lines.get(6).get("reason").asText()).isEqualTo("no-answer");
    assertThat(lines.get(7).get("reason").asText()).isEqualTo("bad-input");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "options.jsonl:6: bad input: precision must be an integer",
            "options.jsonl:8: bad input: not a JSON object");
  }

  @Test
  void writesToStandardOutputThroughTheCommandLine() throws Exception {
    Path input = dir.resolve("one.jsonl");
    Files.writeString(input, "{\"gold\": \"2\", \"pred\": \"\\\\boxed{2}\"}\n");
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Orz.commandLine().execute("verify", "--input", input.toString());
    } finally {
      System.setOut(original);
    }
    assertThat(code).isZero();
    assertThat(
            Orz.commandLine().execute("verify", "--input", dir.resolve("missing.jsonl").toString()))
        .isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8).trim())
        .isEqualTo("{\"gold\":\"2\",\"pred\":\"\\\\boxed{2}\",\"verified\":true}");
  }

  /**
   * Good lines, a byte that is not UTF-8, a lone surrogate escape (CRLF), text, a pair of surrogate
   * escapes, a line over the limit, and a good last line without a newline.
   */
  private Path mixedBytes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(
        "{\"gold\": \"2\", \"pred\": \"\\\\boxed{2}\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("{\"gold\": \"caf".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xE9); // Latin-1 'é'
    bytes.writeBytes("\", \"pred\": \"2\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        "{\"gold\": \"1\", \"pred\": \"1\", \"id\": \"a\\ud800b\"}\r\n"
            .getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("not json at all: ü\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        "{\"gold\": \"3\", \"pred\": \"3\", \"id\": \"\\ud83d\\ude00\"}\n"
            .getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        ("{\"gold\": \"1\", \"pred\": \"" + "x".repeat(2 << 20) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("{\"gold\": \"1/2\", \"pred\": \"0.5\"}".getBytes(StandardCharsets.UTF_8));
    Path input = dir.resolve("mixed.jsonl");
    Files.write(input, bytes.toByteArray());
    return input;
  }

  /**
   * The output decoded strictly (fails on any byte that is not UTF-8), one strict parse per line.
   */
  private static List<JsonNode> strictLines(byte[] output) throws Exception {
    String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(output)).toString();
    JsonMapper strict =
        JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        lines.add(strict.readTree(line));
      }
    }
    assertThat(text).endsWith("\n");
    return lines;
  }

  private static void assertAnsweredInOrder(byte[] output, String stderr) throws Exception {
    List<JsonNode> lines = strictLines(output);
    assertThat(lines.stream().map(n -> n.get("verified").asBoolean()).toList())
        .containsExactly(true, false, true, false, true, false, true);
    assertThat(lines.stream().map(n -> n.path("reason").asText()).toList())
        .containsExactly("", "bad-input", "", "bad-input", "", "bad-input", "");
    assertThat(lines.get(1))
        .hasToString("{\"line\":2,\"verified\":false,\"reason\":\"bad-input\"}");
    assertThat(lines.get(2).get("id").asText()).isEqualTo("a\ud800b");
    assertThat(lines.get(3).get("raw").asText()).isEqualTo("not json at all: ü");
    assertThat(lines.get(4).get("id").asText()).isEqualTo("\ud83d\ude00");
    assertThat(lines.get(5))
        .hasToString("{\"line\":6,\"verified\":false,\"reason\":\"bad-input\"}");
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("\"id\":\"a\\ud800b\"", "\"id\":\"\ud83d\ude00\"")
        .doesNotContain("?");
    assertThat(stderr)
        .contains(
            "mixed.jsonl:2: bad input: invalid UTF-8 at byte 13 (0xE9)",
            "mixed.jsonl:4: bad input: not JSON",
            "mixed.jsonl:6: bad input: line of "
                + ((2 << 20) + 25)
                + " bytes, over the limit of 1048576");
  }

  @Test
  void badBytesAreAnsweredInTheOutputFileNeverFatal() throws Exception {
    Path input = mixedBytes();
    Path output = dir.resolve("out.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    VerifyCommand.Result result =
        VerifyCommand.run(
            input, output, 2000, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(result).isEqualTo(new VerifyCommand.Result(7, 4, 3));
    assertAnsweredInOrder(Files.readAllBytes(output), err.toString(StandardCharsets.UTF_8));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("mixed.jsonl", "out.jsonl");
    }
  }

  @Test
  void badBytesAreAnsweredOnStandardOutputNeverFatal() throws Exception {
    Path input = mixedBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    VerifyCommand.Result result =
        VerifyCommand.run(
            input,
            null,
            2000,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(result).isEqualTo(new VerifyCommand.Result(7, 4, 3));
    assertAnsweredInOrder(out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * A file of hostile lines (every pair of the adversarial corpus, answers written as they would be
   * inside math mode) is answered line by line: no hang, nothing lost, and no verdict left to the
   * clock.
   */
  @Test
  void aFileOfHostileLinesIsAnsweredLineByLine() throws Exception {
    Path input = dir.resolve("hostile.jsonl");
    // Escaped, lone surrogates travel as JSON escapes in a valid UTF-8 file, as a careless writer's
    // would.
    ObjectMapper mapper =
        JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();
    List<String> lines = new ArrayList<>();
    for (AdversarialCorpus.Pair pair : AdversarialCorpus.pairs()) {
      lines.add(
          mapper.writeValueAsString(
              java.util.Map.of("gold", "$" + pair.gold() + "$", "pred", "$" + pair.pred() + "$")));
    }
    Files.write(input, lines, StandardCharsets.UTF_8);
    Path output = dir.resolve("hostile-out.jsonl");
    VerifyCommand.Result result =
        assertTimeoutPreemptively(
            Duration.ofMinutes(5),
            () ->
                VerifyCommand.run(
                    input,
                    output,
                    VerifyOptions.TIMEOUT_MILLIS_DEFAULT,
                    System.out,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));

    assertThat(result.lines()).isEqualTo(lines.size());
    List<String> answers = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(answers).hasSize(lines.size());
    for (String answer : answers) {
      JsonNode node = mapper.readTree(answer);
      assertThat(node.has("verified")).as(answer).isTrue();
      assertThat(node.path("reason").asText(""))
          .as(answer)
          .isNotIn(Verdict.TIMEOUT, Verdict.INTERNAL_ERROR);
    }
  }
}
