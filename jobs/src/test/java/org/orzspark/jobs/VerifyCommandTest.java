package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        VerifyCommand.run(input, output, 2000, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

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
    assertThat(stderr).contains("pairs.jsonl:4: bad input: not JSON", "pairs.jsonl:5: bad input", ":7: bad input: unknown match type");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("pairs.jsonl", "out.jsonl");
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
    VerifyCommand.Result result = VerifyCommand.run(input, null, 2000,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

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
        .contains("options.jsonl:6: bad input: precision must be an integer", "options.jsonl:8: bad input: not a JSON object");
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
    assertThat(Orz.commandLine().execute("verify", "--input", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("{\"gold\":\"2\",\"pred\":\"\\\\boxed{2}\",\"verified\":true}");
  }
}
