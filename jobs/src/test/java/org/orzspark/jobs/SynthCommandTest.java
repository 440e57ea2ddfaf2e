package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.synth.SyntheticFamily;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

class SynthCommandTest {

  @TempDir Path dir;

  private final SparkSession spark = SharedSpark.session();

  private List<PromptRecord> read(String path) {
    return spark.read().parquet(path).collectAsList().stream().map(PromptSchema::fromRow).toList();
  }

  @Test
  void writesDistinctPromptsInThePromptSchemaDeterministically() throws IOException {
    String first = dir.resolve("a").toString();
    SynthCommand.Result result =
        SynthCommand.run(spark, List.of("linear", "comparison"), 300, 7, 1, 1, first, false);
    assertThat(result.written()).isEqualTo(300);
    assertThat(result.byFamily()).containsOnlyKeys("linear", "comparison");
    assertThat(AtomicOutput.isComplete(spark.sparkContext().hadoopConfiguration(), first)).isTrue();

    List<PromptRecord> records = read(first);
    assertThat(records).hasSize(300);
    assertThat(records.stream().map(PromptRecord::promptId).distinct()).hasSize(300);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.source()).isEqualTo("synth/" + r.metadata().get("family"));
              assertThat(r.metadata()).containsEntry("difficulty", "1");
            });

    String again = dir.resolve("b").toString();
    SynthCommand.run(spark, List.of("linear", "comparison"), 300, 7, 1, 1, again, false);
    assertThat(read(again)).containsExactlyInAnyOrderElementsOf(records);
    String otherSeed = dir.resolve("c").toString();
    SynthCommand.run(spark, List.of("linear", "comparison"), 300, 8, 1, 1, otherSeed, false);
    assertThat(read(otherSeed)).isNotEqualTo(records);
  }

  @Test
  void commandLineDefaultsCoverAllFamiliesAndAllDifficulties() {
    String out = dir.resolve("cli").toString();
    assertThat(Orz.commandLine().execute("synth", "--count", "60", "--output", out)).isZero();
    List<PromptRecord> records = read(out);
    assertThat(records).hasSize(60);
    assertThat(records.stream().map(r -> r.metadata().get("family")).distinct())
        .hasSize(SyntheticFamily.values().length);
    assertThat(records.stream().map(r -> r.metadata().get("difficulty")).distinct())
        .containsExactlyInAnyOrder("1", "2", "3");
    CommandLine synth = Orz.commandLine().getSubcommands().get("synth");
    assertThat(synth.getCommandSpec().findOption("--families").defaultValue())
        .isEqualTo(SyntheticFamily.ids());
    assertThat(synth.getUsageMessage()).contains("default: 1000", "default: 42", "default: 1-3");
  }

  @Test
  void difficultyIsALevelOrARangeWithinOneToThree() {
    assertThat(SynthCommand.parseDifficulty("2")).containsExactly(2, 2);
    assertThat(SynthCommand.parseDifficulty(" 1 - 3 ")).containsExactly(1, 3);
    for (String bad : List.of("0", "4", "3-1", "1-4", "a", "1-2-3", "")) {
      assertThatThrownBy(() -> SynthCommand.parseDifficulty(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--difficulty");
    }
  }

  @Test
  void impossibleCountsFailWithAClearMessage() {
    String out = dir.resolve("small").toString();
    // "Is a greater than b?" has fewer than 10,000 distinct questions.
    assertThatThrownBy(
            () -> SynthCommand.run(spark, List.of("comparison"), 10_000, 1, 1, 1, out, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("distinct comparison problems");
  }
}
