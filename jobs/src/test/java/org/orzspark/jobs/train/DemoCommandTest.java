package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.model.ModelCheckpoint;
import org.orzspark.pretrain.BasePretrainer;
import org.orzspark.testing.RepoPaths;

class DemoCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void withoutATrainedIterationTheSummaryNamesTheBaseOnlyAndNoReport() throws IOException {
    JsonNode base = JSON.readTree("{\"avg_at_k\": 0.125, \"format_rate\": 0.5}");
    assertThat(DemoCommand.summary(base, null, 0, 1.25, null))
        .isEqualTo(
            "demo: held-out accuracy 12.5% (base), format 50%, wall 1.3 min; no iteration"
                + " trained (--iterations 0), so no report");
  }

  @Test
  void afterTrainingTheSummaryComparesBaseAndTrainedAndNamesTheReport() throws IOException {
    JsonNode base =
        JSON.readTree(
            "{\"samples\": 4.0, \"avg_at_k\": 0.125, \"pass_at_k\": 0.25, \"maj_at_k\": 0.2,"
                + " \"format_rate\": 0.5}");
    JsonNode trained =
        JSON.readTree(
            "{\"samples\": 4.0, \"avg_at_k\": 0.75, \"pass_at_k\": 0.875, \"maj_at_k\": 0.8,"
                + " \"format_rate\": 1.0}");
    assertThat(
            DemoCommand.summary(
                base, trained, 3, 2.0, new org.apache.hadoop.fs.Path("/r/reports/index.html")))
        .isEqualTo(
            "demo: held-out accuracy 12.5% (base) -> 75.0% (iteration 3, +62.5 points),"
                + " pass@4 25.0% -> 87.5%, maj@4 20.0% -> 80.0%, format 50% -> 100%, wall 2.0 min;"
                + " report /r/reports/index.html");
  }

  @Test
  void theDemosApplicationsCompileWithC1UnlessTheUserChoseDriverJavaOptions() {
    assertThat(DemoCommand.shortLivedJvm(List.of("--conf", "spark.ui.enabled=true")))
        .containsExactly(
            "--conf", "spark.ui.enabled=true", "--driver-java-options", "-XX:TieredStopAtLevel=1");
    List<String> own = List.of("--driver-java-options", "-Xss4m");
    assertThat(DemoCommand.shortLivedJvm(own)).isEqualTo(own);
  }

  @Test
  void theShippedBaseIsCopiedWholeAndMarkedOrRefusedWhenIncomplete(@TempDir Path dir)
      throws IOException {
    Path shipped = Files.createDirectories(dir.resolve("shipped"));
    Files.writeString(shipped.resolve("config.json"), "{}");
    Files.write(shipped.resolve("model.safetensors"), new byte[] {1, 2, 3});
    Path base = dir.resolve("models/tiny-base");
    assertThatThrownBy(() -> DemoCommand.copyShippedBase(shipped, base))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no complete base model in " + shipped);
    assertThat(base).doesNotExist();

    Files.writeString(shipped.resolve("_SUCCESS"), "");
    DemoCommand.copyShippedBase(shipped, base);
    assertThat(base.resolve("config.json")).hasContent("{}");
    assertThat(base.resolve("model.safetensors")).hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(AtomicOutput.check(new Configuration(), base.toString()).complete()).isTrue();
    try (Stream<Path> left = Files.list(base.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("tiny-base");
    }
  }

  @Test
  void theShippedBaseIsWhatPretrainBaseMakesWithItsDefaults() throws IOException {
    Path shipped = RepoPaths.root().resolve(DemoCommand.SHIPPED_BASE);
    assertThat(shipped.resolve(AtomicOutput.SUCCESS)).exists();
    ObjectNode made =
        (ObjectNode)
            JSON.readTree(shipped.resolve(BasePretrainer.REPORT_FILE).toFile()).get("options");
    ObjectNode defaults = JSON.valueToTree(BasePretrainer.Options.DEFAULTS);
    // Only what it printed differs: its own held-out check and the progress lines.
    for (String printed : List.of("heldOutProblems", "logEvery")) {
      made.remove(printed);
      defaults.remove(printed);
    }
    // As JSON text: a number read back is an int node where the record's field gave a long one.
    assertThat(made.toString()).isEqualTo(defaults.toString());
    assertThat(ModelCheckpoint.read(shipped).config().numHiddenLayers()).isEqualTo(3);
  }
}
