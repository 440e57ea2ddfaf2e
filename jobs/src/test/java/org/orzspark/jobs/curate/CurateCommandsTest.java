package org.orzspark.jobs.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.curate.filter.FilterRules;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.read.InputFormat;
import org.orzspark.datasets.read.ParsedPrompt;
import org.orzspark.datasets.read.PromptFiles;
import org.orzspark.datasets.synth.PlantedDuplicates;
import org.orzspark.jobs.Orz;
import org.orzspark.model.TokenizerTokenCounter;
import org.orzspark.testing.RepoData;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

class CurateCommandsTest {

  private static final SparkSession SPARK = SharedSpark.session();

  @TempDir Path dir;

  private String table(List<PromptRecord> prompts, String name) {
    String path = dir.resolve(name).toString();
    PromptSchema.toDataFrame(SPARK, prompts).write().parquet(path);
    return path;
  }

  private static JsonNode summary(String output) throws IOException {
    return JsonMapper.builder()
        .build()
        .readTree(Path.of(java.net.URI.create(output)).resolve("_summary.json").toFile());
  }

  @Test
  void dedupWritesKeptRemovedAndSummaryAtomically() throws Exception {
    PlantedDuplicates.PlantedSet set = PlantedDuplicates.generate(300, 0.2, 3);
    String input = table(set.prompts(), "in");
    CommandLine.ParseResult parsed =
        Orz.commandLine()
            .parseArgs(
                "curate", "dedup", "--input", input, "--output", dir.resolve("out").toString());
    DedupCommand command =
        (DedupCommand) parsed.subcommand().subcommand().commandSpec().userObject();
    assertThat(command.minHash.ngram).isEqualTo(5);
    assertThat(command.minHash.threshold).isEqualTo(0.8);
    assertThat(command.embedder()).isEmpty();
    DedupCommand.Result result =
        DedupCommand.run(
            SPARK,
            input,
            dir.resolve("out").toString(),
            command.settings(),
            Optional.empty(),
            false);
    System.out.println(result.describe());
    assertThat(result.describe())
        .as("local mode: the driver runs the tasks")
        .contains("on 0 executor(s)");
    assertThat(AtomicOutput.isComplete(SPARK.sparkContext().hadoopConfiguration(), result.output()))
        .isTrue();
    long kept = SPARK.read().parquet(result.output()).count();
    long removed = SPARK.read().parquet(result.output() + "/_removed").count();
    assertThat(kept).isEqualTo(result.counts().get("kept"));
    assertThat(kept + removed).isEqualTo(300);
    assertThat(removed).isGreaterThanOrEqualTo((long) (0.8 * set.planted()));
    JsonNode summary = summary(result.output());
    assertThat(summary.at("/counts/rows_in").asLong()).isEqualTo(300);
    assertThat(summary.at("/counts/kept").asLong()).isEqualTo(kept);
    assertThat(summary.at("/stage_ms/lsh_join").isNumber()).isTrue();
    assertThat(summary.at("/settings/ngram/threshold").asDouble()).isEqualTo(0.8);
    assertThatThrownBy(
            () ->
                DedupCommand.run(
                    SPARK, input, result.output(), command.settings(), Optional.empty(), false))
        .hasMessageContaining("already exists");
  }

  @Test
  void filterOnGpqaAndMath500CountsEveryReason() throws Exception {
    List<PromptRecord> prompts = new ArrayList<>();
    for (String file : List.of("gpqa_diamond.json", "math500.json")) {
      PromptFiles.read(SPARK, RepoData.resolve("eval/" + file).toString(), InputFormat.AUTO)
          .parsed()
          .stream()
          .map(ParsedPrompt::record)
          .forEach(prompts::add);
    }
    String input = table(prompts, "eval");
    String tokenizer = RepoData.resolve("tokenizers/qwen3").toString();
    FilterCommand.Result result =
        FilterCommand.run(
            SPARK,
            input,
            dir.resolve("filtered").toString(),
            FilterRules.of(
                FilterRules.CODES, Optional.of(new TokenizerTokenCounter(tokenizer)), 260),
            false);
    System.out.println(result.describe());
    assertThat(result.rowsIn()).isEqualTo(698);
    assertThat(result.removedByReason().get("multiple-choice")).isEqualTo(198 + 3);
    assertThat(result.removedByReason().get("too-long")).isPositive();
    assertThat(result.removedByReason()).containsOnlyKeys(FilterRules.CODES);
    long removed = SPARK.read().parquet(result.output() + "/_removed").count();
    assertThat(SPARK.read().parquet(result.output()).count())
        .isEqualTo(result.kept())
        .isEqualTo(698 - removed);
    assertThat(summary(result.output()).at("/removed_by_reason/multiple-choice").asLong())
        .isEqualTo(201);
  }

  @Test
  void aTableWithoutThePromptColumnsIsRefusedBeforeAnyOutput() throws Exception {
    String input = dir.resolve("odd").toString();
    SPARK.range(3).toDF("question").write().parquet(input);
    assertThatThrownBy(
            () ->
                FilterCommand.run(
                    SPARK,
                    input,
                    dir.resolve("o").toString(),
                    FilterRules.of(List.of("proof"), Optional.empty(), 1),
                    false))
        .hasMessageContaining("not a prompt table")
        .hasMessageContaining("missing column prompt_id")
        .hasMessageContaining("question is bigint");
    assertThat(Files.exists(dir.resolve("o"))).isFalse();
  }

  @Test
  void benchReportsStagesAndQualityOnASmallSet() {
    BenchCurateCommand.Result result =
        BenchCurateCommand.run(
            SPARK,
            2000,
            0.2,
            new org.orzspark.datasets.curate.NgramNearDuplicates.Settings(
                5, org.orzspark.datasets.curate.Shingler.Unit.CHAR, 0.8, 20, 5, 42),
            42);
    System.out.println(result.describe());
    assertThat(result.stageMillis()).containsKeys("exact", "shingling", "lsh_join", "grouping");
    assertThat(result.precision()).isGreaterThanOrEqualTo(0.99);
    assertThat(result.recall()).isGreaterThanOrEqualTo(0.8);
    assertThat(result.promptsPerSecond()).isPositive();
  }
}
