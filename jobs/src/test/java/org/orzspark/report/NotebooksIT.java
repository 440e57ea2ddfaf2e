package org.orzspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.ExternalTools;
import org.orzspark.testing.RepoPaths;

/**
 * Executes the notebooks headless ({@code notebooks/run-notebooks.sh}) against the synthetic step
 * run, after {@code package} built the application and kernel jars. About 2 minutes on 2 cores (two
 * kernel starts, two Spark sessions), skipped when Jupyter is not installed (a failure in CI).
 * Tagged {@code slow}: {@code mvn -B verify} leaves it out; {@code -Dtest.excludedGroups=gpu} runs
 * it.
 */
@Tag("slow")
class NotebooksIT {
  private static final JsonMapper JSON = new JsonMapper();

  @Test
  void notebooksRunWithoutErrorAndShowChartsAndResponses() throws Exception {
    ExternalTools.require(
        onPath("jupyter"),
        "jupyter is not installed (see notebooks/run-notebooks.sh): notebooks not run");
    Path root = RepoPaths.root();
    Path out = root.resolve("jobs/target/notebooks-it");
    StepRunFixture.deleteRecursively(out);
    Path log = Files.createDirectories(out).resolve("run-notebooks.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                root.resolve("notebooks/run-notebooks.sh").toString(),
                StepRunFixture.run().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("ORZ_NOTEBOOK_OUT", out.toString());
    Process p = pb.start();
    if (!p.waitFor(9, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("notebooks did not finish in 9 minutes:\n" + Files.readString(log));
    }
    assertThat(p.exitValue()).as(Files.readString(log)).isZero();

    JsonNode analysis = JSON.readTree(out.resolve("run-analysis.ipynb").toFile());
    assertThat(outputTypes(analysis)).doesNotContain("error");
    assertThat(mimeOutputs(analysis, "image/png"))
        .as("rollout and metrics charts")
        .isGreaterThanOrEqualTo(7 + 9);
    assertThat(streams(analysis))
        .contains("12 complete iteration(s)")
        .contains("window 3: iteration 7");

    JsonNode browser = JSON.readTree(out.resolve("response-browser.ipynb").toFile());
    assertThat(outputTypes(browser)).doesNotContain("error");
    assertThat(mimeOutputs(browser, "text/html")).isEqualTo(5);
    assertThat(browser.toString()).contains("<mark class=\\\"reflection\\\"");
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static List<JsonNode> outputs(JsonNode notebook) {
    List<JsonNode> out = new ArrayList<>();
    notebook
        .get("cells")
        .forEach(
            c -> {
              if (c.has("outputs")) {
                c.get("outputs").forEach(out::add);
              }
            });
    return out;
  }

  private static List<String> outputTypes(JsonNode notebook) {
    return outputs(notebook).stream().map(o -> o.get("output_type").asText()).toList();
  }

  private static long mimeOutputs(JsonNode notebook, String mime) {
    return outputs(notebook).stream().filter(o -> o.has("data") && o.get("data").has(mime)).count();
  }

  private static String streams(JsonNode notebook) {
    StringBuilder text = new StringBuilder();
    outputs(notebook).stream()
        .filter(o -> o.get("output_type").asText().equals("stream"))
        .forEach(
            o -> {
              JsonNode lines = o.get("text");
              if (lines.isArray()) {
                lines.forEach(t -> text.append(t.asText()));
              } else {
                text.append(lines.asText());
              }
            });
    return text.toString();
  }
}
