package org.orzspark.evaluation.passrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.curate.CurationSummary;
import org.orzspark.datasets.curate.PassRateBand;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.synth.SyntheticTasks;
import org.orzspark.evaluation.ScoredSampling;
import org.orzspark.model.Qwen2Config;
import org.orzspark.pretrain.BasePretrainer;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.verify.VerifyOptions;
import org.orzspark.testing.SharedSpark;

/**
 * {@link PassRateEngine} ({@code orz curate pass-rate}) on a model that solves some synthetic
 * problems: a quick pre-training (the tiny shape, 80 steps on yes/no comparisons and one- or
 * two-step arithmetic, ~15 s here) learns the answer format and guesses comparisons right often,
 * arithmetic rarely; a random model would score 0 everywhere. One full run (3 partitions, 24
 * prompts x 8 samples) is shared by the tests; the resume and re-threshold tests start from copies
 * of its folders.
 */
class PassRateEngineTest {

  private static final SparkSession SPARK = SharedSpark.session();
  private static final int SAMPLES = 8;
  private static final int PARTITIONS = 3;
  private static final PassRateBand BAND = new PassRateBand(0.0, 0.5, 2);

  @TempDir static Path dir;
  static Path model;
  static String input;
  static PassRateEngine.Result full;

  /** The tiny shape for 80 steps of 12 sequences; held-out evaluation kept minimal. */
  static BasePretrainer.Options quickModel() {
    return BasePretrainer.Options.builder()
        .architecture(Qwen2Config.named("tiny"))
        .seed(11)
        .families(List.of("comparison", "arithmetic"))
        .minDifficulty(1)
        .maxDifficulty(1)
        .trainProblems(1000)
        .heldOutProblems(4)
        .corruptedShare(0.2)
        .vocabSize(1024)
        .tokenizerTexts(400)
        .steps(80)
        .batchSize(12)
        .learningRate(5e-3)
        .warmupSteps(5)
        .finalLearningRateFraction(0.1)
        .maxGradNorm(1.0)
        .evalMaxNewTokens(16)
        .logEvery(40)
        .build();
  }

  @BeforeAll
  static void sampleOnce() throws Exception {
    model = BasePretrainer.run(quickModel(), dir.resolve("model"), System.out).output();
    input = dir.resolve("prompts").toString();
    PromptSchema.toDataFrame(
            SPARK,
            SyntheticTasks.generateDistinct(List.of("comparison", "arithmetic"), 24, 7, 1, 1)
                .stream()
                .map(SyntheticTasks::fromProblem)
                .toList())
        .write()
        .parquet(input);
    full = PassRateEngine.run(SPARK, settings(dir.resolve("full"), BAND, false), System.out);
    System.out.println(full.describe());
  }

  static PassRateEngine.Settings settings(Path output, PassRateBand band, boolean overwrite) {
    return settings(output, band, overwrite, 42);
  }

  static PassRateEngine.Settings settings(
      Path output, PassRateBand band, boolean overwrite, long seed) {
    return new PassRateEngine.Settings(
        input,
        output.toString(),
        model,
        new ScoredSampling.Settings(
            SAMPLES, 1.0, 1.0, 48, org.orzspark.datasets.PromptTemplate.Variant.PAPER, 64, seed, 0),
        band,
        PARTITIONS,
        overwrite);
  }

  private static Dataset<Row> read(Path folder) {
    return SPARK.read().parquet(folder.toString());
  }

  /** Every prompt of an output: kept and removed. */
  private static Map<String, Row> allPrompts(Path output) {
    Map<String, Row> byId = new HashMap<>();
    for (Path part : List.of(output, output.resolve(CurationSummary.REMOVED_FOLDER))) {
      read(part).collectAsList().forEach(r -> byId.put(r.getAs("prompt_id"), r));
    }
    return byId;
  }

  @Test
  void everyPromptsPassRateEqualsAnIndependentRecountOfItsSamples() {
    Path output = dir.resolve("full");
    Map<String, Row> prompts = allPrompts(output);
    assertThat(prompts).hasSize(24);
    Map<String, Integer> recount = new HashMap<>();
    Map<String, Integer> sampleCount = new HashMap<>();
    for (Row sample :
        read(output.resolve(PassRateWork.FOLDER).resolve("part=*").resolve("samples"))
            .collectAsList()) {
      String id = sample.getAs("prompt_id");
      Row prompt = prompts.get(id);
      boolean finished = "stop".equals(sample.getAs("finish_reason"));
      float reward =
          OrzReward.score(
              sample.getAs("response"), prompt.getAs("answer"), finished, VerifyOptions.DEFAULTS);
      recount.merge(id, reward == 1f ? 1 : 0, Integer::sum);
      sampleCount.merge(id, 1, Integer::sum);
    }
    for (Row prompt : prompts.values()) {
      String id = prompt.getAs("prompt_id");
      assertThat(prompt.<Integer>getAs("samples"))
          .isEqualTo(SAMPLES)
          .isEqualTo(sampleCount.get(id));
      assertThat(prompt.<Integer>getAs("correct")).as(id).isEqualTo(recount.get(id));
      assertThat((double) prompt.getAs("pass_rate")).isEqualTo(recount.get(id) / (double) SAMPLES);
    }
    long between =
        prompts.values().stream()
            .map(r -> (double) r.getAs("pass_rate"))
            .filter(rate -> rate > 0 && rate < 1)
            .count();
    assertThat(between).as("prompts with 0 < pass rate < 1").isGreaterThanOrEqualTo(3);
  }

  @Test
  void easyComparisonsPassMoreOftenThanArithmetic() {
    Map<String, Double> meanByFamily =
        allPrompts(dir.resolve("full")).values().stream()
            .collect(
                Collectors.groupingBy(
                    r -> r.<String, String>getJavaMap(r.fieldIndex("metadata")).get("family"),
                    TreeMap::new,
                    Collectors.averagingDouble(r -> r.<Double>getAs("pass_rate"))));
    System.out.println("mean pass rate by family: " + meanByFamily);
    assertThat(full.meanPassRateBySource())
        .containsOnlyKeys("synth/arithmetic", "synth/comparison");
    assertThat(full.meanPassRateBySource().get("synth/comparison"))
        .isCloseTo(meanByFamily.get("comparison"), within(1e-12));
    assertThat(meanByFamily.get("comparison")).isGreaterThan(meanByFamily.get("arithmetic") + 0.1);
  }

  @Test
  void theSplitObeysTheBandAndHardBelowExactly() throws IOException {
    assertSplit(dir.resolve("full"), BAND, full);
    assertThat(full.generated()).containsExactly(0, 1, 2);
    assertThat(full.reused()).isEmpty();
    assertThat(full.correctHistogram().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(24);
    JsonNode summary = summary(dir.resolve("full"));
    assertThat(summary.get("rows_in").asLong()).isEqualTo(24);
    assertThat(summary.get("kept").asLong()).isEqualTo(full.kept());
    assertThat(summary.get("hard").asLong()).isEqualTo(full.hard().getAsLong());
    assertThat(summary.get("partitions").get("generated").asInt()).isEqualTo(PARTITIONS);
  }

  /** Kept, removed and hard prompts of {@code output} against {@code band}, row by row. */
  private static void assertSplit(Path output, PassRateBand band, PassRateEngine.Result result)
      throws IOException {
    assertThat(
            AtomicOutput.isComplete(SPARK.sparkContext().hadoopConfiguration(), output.toString()))
        .isTrue();
    List<Row> kept = read(output).collectAsList();
    List<Row> removed = read(output.resolve(CurationSummary.REMOVED_FOLDER)).collectAsList();
    List<Row> hard = read(output.resolve(PassRateEngine.HARD_FOLDER)).collectAsList();
    for (Row row : kept) {
      double rate = row.getAs("pass_rate");
      assertThat(rate).isGreaterThan(band.min()).isLessThanOrEqualTo(band.max());
    }
    Map<String, Long> byReason = new TreeMap<>();
    for (Row row : removed) {
      double rate = row.getAs("pass_rate");
      String reason = row.getAs(PassRateEngine.REASON);
      assertThat(reason)
          .isEqualTo(rate <= band.min() ? PassRateBand.AT_OR_BELOW_MIN : PassRateBand.ABOVE_MAX);
      assertThat(rate <= band.min() || rate > band.max()).isTrue();
      byReason.merge(reason, 1L, Long::sum);
    }
    int hardBelow = band.hardBelow();
    assertThat(hard.stream().map(r -> r.<String>getAs("prompt_id")).sorted().toList())
        .isEqualTo(
            kept.stream()
                .filter(r -> r.<Integer>getAs("correct") < hardBelow)
                .map(r -> r.<String>getAs("prompt_id"))
                .sorted()
                .toList());
    assertThat(kept.size() + removed.size()).isEqualTo(24);
    assertThat(result.kept()).isEqualTo(kept.size());
    assertThat(result.hard().getAsLong()).isEqualTo(hard.size());
    result
        .removedByReason()
        .forEach((r, n) -> assertThat(byReason.getOrDefault(r, 0L)).isEqualTo(n));
  }

  private static JsonNode summary(Path output) throws IOException {
    return JsonMapper.builder().build().readTree(output.resolve(CurationSummary.FILE).toFile());
  }

  @Test
  void aKilledRunRegeneratesOnlyItsMissingPartitionsAndEndsIdentical() throws Exception {
    Path resumed = dir.resolve("resumed");
    Path work = resumed.resolve(PassRateWork.FOLDER);
    // What a run killed in partition 2 leaves: partitions 0 and 1 complete; partition 2 renamed
    // into place but not yet marked, and the temp folder of an earlier killed attempt.
    FileUtils.copyDirectory(
        dir.resolve("full").resolve(PassRateWork.FOLDER).toFile(), work.toFile());
    Path part2 = work.resolve("part=00002");
    FileUtils.copyDirectory(part2.toFile(), work.resolve(".part=00002.tmp-killed").toFile());
    Files.delete(part2.resolve(AtomicOutput.SUCCESS));
    FileTime old = FileTime.fromMillis(1_000_000_000L);
    for (String done : List.of("part=00000", "part=00001")) {
      try (Stream<Path> files = Files.walk(work.resolve(done))) {
        for (Path file : files.toList()) {
          Files.setLastModifiedTime(file, old);
        }
      }
    }

    PassRateEngine.Result result =
        PassRateEngine.run(
            SPARK, settings(resumed, BAND, false), new PrintStream(PrintStream.nullOutputStream()));

    assertThat(result.generated()).containsExactly(2);
    assertThat(result.reused()).containsExactly(0, 1);
    for (String done : List.of("part=00000", "part=00001")) {
      try (Stream<Path> files = Files.walk(work.resolve(done))) {
        assertThat(files.filter(Files::isRegularFile).map(this::modified)).containsOnly(old);
      }
    }
    assertThat(work.resolve("part=00002").resolve(AtomicOutput.SUCCESS)).exists();
    try (Stream<Path> children = Files.list(work)) {
      assertThat(children.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.contains(".tmp-"));
    }
    assertSameRows(resumed, dir.resolve("full"), "");
    assertSameRows(resumed, dir.resolve("full"), CurationSummary.REMOVED_FOLDER);
    assertSameRows(resumed, dir.resolve("full"), PassRateEngine.HARD_FOLDER);
    assertSameRows(resumed, dir.resolve("full"), PassRateWork.FOLDER + "/part=*/samples");
    assertThat(result.kept()).isEqualTo(full.kept());
    assertThat(result.removedByReason()).isEqualTo(full.removedByReason());
  }

  private FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertSameRows(Path a, Path b, String relative) {
    List<String> left = sortedRows(relative.isEmpty() ? a : a.resolve(relative));
    assertThat(left).as(relative).isNotEmpty();
    assertThat(left)
        .as(relative)
        .isEqualTo(sortedRows(relative.isEmpty() ? b : b.resolve(relative)));
  }

  /** Rows as text, sorted (map columns rule out Spark's set operations). */
  private static List<String> sortedRows(Path folder) {
    return read(folder).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void aCompleteOutputIsRedoneOnlyOnRequestAndNewThresholdsReuseEveryPartition() throws Exception {
    Path redo = dir.resolve("redo");
    FileUtils.copyDirectory(dir.resolve("full").toFile(), redo.toFile());
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    assertThatThrownBy(() -> PassRateEngine.run(SPARK, settings(redo, BAND, false), quiet))
        .hasMessageContaining("is complete");
    assertThatThrownBy(() -> PassRateEngine.run(SPARK, settings(redo, BAND, true, 7), quiet))
        .hasMessageContaining("other settings")
        .hasMessageContaining("seed 42 -> 7");

    // Bounds on observed pass rates: the lowest non-zero one sits exactly on min, the highest
    // lies above max.
    double highest =
        allPrompts(dir.resolve("full")).values().stream()
            .mapToDouble(r -> r.<Double>getAs("pass_rate"))
            .max()
            .orElseThrow();
    assertThat(highest).as("highest pass rate of the run").isGreaterThanOrEqualTo(3.0 / SAMPLES);
    PassRateBand narrow = new PassRateBand(1.0 / SAMPLES, highest - 1.0 / SAMPLES, 3);
    PassRateEngine.Result result = PassRateEngine.run(SPARK, settings(redo, narrow, true), quiet);

    assertThat(result.generated()).isEmpty();
    assertThat(result.reused()).containsExactly(0, 1, 2);
    assertSplit(redo, narrow, result);
    assertThat(result.removedByReason().get(PassRateBand.ABOVE_MAX))
        .as("prompts at the highest pass rate")
        .isPositive();
    assertSameRows(redo, dir.resolve("full"), PassRateWork.FOLDER + "/part=*/samples");
  }

  @Test
  void duplicatePromptIdsAreRefusedBeforeAnyGeneration() {
    Path doubled = dir.resolve("doubled");
    read(Path.of(input)).union(read(Path.of(input)).limit(1)).write().parquet(doubled.toString());
    PassRateEngine.Settings settings =
        new PassRateEngine.Settings(
            doubled.toString(),
            dir.resolve("never").toString(),
            model,
            new ScoredSampling.Settings(
                SAMPLES,
                1.0,
                1.0,
                48,
                org.orzspark.datasets.PromptTemplate.Variant.PAPER,
                64,
                42,
                0),
            BAND,
            PARTITIONS,
            false);
    assertThatThrownBy(() -> PassRateEngine.run(SPARK, settings, System.out))
        .hasMessageContaining("25 rows but 24 distinct prompt ids");
    assertThat(dir.resolve("never")).doesNotExist();
  }

  @Test
  void aFolderOrzDidNotWriteIsRefusedBeforeAnyGenerationEvenWithOverwrite() throws IOException {
    // Someone's folder, and one that merely holds a _partitions folder beside their files.
    Path home = Files.createDirectories(dir.resolve("home"));
    Path mixed = Files.createDirectories(dir.resolve("mixed").resolve(PassRateWork.FOLDER));
    for (Path folder : List.of(home, mixed.getParent())) {
      Files.writeString(folder.resolve("thesis.tex"), "years of work");
      for (boolean overwrite : List.of(false, true)) {
        assertThatThrownBy(
                () ->
                    PassRateEngine.run(
                        SPARK,
                        settings(folder, BAND, overwrite),
                        new PrintStream(PrintStream.nullOutputStream())))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("refusing to replace " + folder)
            .hasMessageContaining("not an orz output (no _SUCCESS)");
      }
      assertThat(folder.resolve("thesis.tex")).hasContent("years of work");
    }
    assertThat(home.resolve(PassRateWork.FOLDER)).doesNotExist();
    assertThat(mixed).isEmptyDirectory();
  }
}
