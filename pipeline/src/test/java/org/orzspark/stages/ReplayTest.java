package org.orzspark.stages;

import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.orzspark.run.LocalRuns.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.PolicyDigest;
import org.orzspark.run.Provenance;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.SharedSpark;
import org.orzspark.timing.Stopwatch;

/**
 * A two-iteration micro run whose stage records carry provenance and whose rows carry their origin;
 * samples of both iterations replay to the same tokens, a tampered row does not, and the mistakes a
 * caller can make are refused in one line.
 */
class ReplayTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
  @TempDir static Path shared;
  private static SparkSession spark;
  private static RunLayout layout;

  @BeforeAll
  static void twoIterations() throws IOException {
    spark = SharedSpark.session();
    Path base = MicroRuns.base(shared.resolve("base"));
    Path prompts = MicroRuns.prompts(spark, shared.resolve("prompts"), 16);
    Path root = shared.resolve("run");
    RunInitializer.init(spark, root.toString(), MicroRuns.config(base, prompts, Map.of()));
    Provenance provenance =
        Provenance.of(
            "orz",
            List.of(
                "iterate",
                "--run-dir",
                root.toString(),
                "--conf",
                "spark.authenticate.secret=hunter2"));
    Iteration.run(spark, root.toString(), 1, QUIET, provenance);
    Iteration.run(spark, root.toString(), 2, QUIET, provenance);
    layout = new RunLayout(root);
  }

  private static String root() {
    return layout.root().toString();
  }

  private static Dataset<Row> rollouts(int iteration) {
    return spark.read().parquet(layout.rollouts(iteration).toString());
  }

  @Test
  void stageRecordsCarryTheProvenanceWithSecretsRedacted() throws IOException {
    for (Path record :
        List.of(
            local(layout.sampledPrompts(2)).resolve(StageRecord.FILE),
            local(layout.rollouts(2)).resolve(ScoreStage.ROLLOUT_RECORD),
            local(layout.rollouts(2)).resolve(StageRecord.FILE),
            local(layout.experience(2)).resolve(StageRecord.FILE))) {
      Provenance p = StageRecord.fromJson(Files.readAllBytes(record)).provenance();
      assertThat(p).as(record.toString()).isNotNull();
      assertThat(p.commandLine()).endsWith("--conf spark.authenticate.secret=<redacted>");
      assertThat(p.spark()).isEqualTo(spark.version());
    }
    assertThat(Files.readString(local(layout.rollouts(2)).resolve(StageRecord.FILE)))
        .doesNotContain("hunter2");
  }

  @Test
  void everyRowNamesThePolicyThatGeneratedIt() throws IOException {
    CheckpointStore checkpoints = new CheckpointStore(LocalRuns.store(layout));
    for (int iteration : List.of(1, 2)) {
      String digest = PolicyDigest.of(checkpoints, layout.checkpoint(iteration - 1));
      List<Row> rows = rollouts(iteration).collectAsList();
      assertThat(rows)
          .hasSize(16)
          .allSatisfy(
              row -> {
                RolloutTable.Origin origin = RolloutTable.origin(row).orElseThrow();
                assertThat(origin.policyDigest()).isEqualTo(digest);
                assertThat(origin.generationSeed())
                    .isEqualTo(
                        RolloutSettings.from(
                                org.orzspark.run.RunConfig.read(LocalRuns.store(layout)))
                            .generationSeed(iteration));
              });
      assertThat(rows.stream().map(r -> RolloutTable.origin(r).orElseThrow().workUnit()).distinct())
          .as("one work unit per prompt (4 prompts, 2 slots)")
          .hasSize(4);
    }
    assertThat(PolicyDigest.of(checkpoints, layout.checkpoint(0)))
        .isNotEqualTo(PolicyDigest.of(checkpoints, layout.checkpoint(1)));
  }

  @Test
  void samplesOfBothIterationsReplayExactly() throws IOException {
    for (int iteration : List.of(1, 2)) {
      Row row = rollouts(iteration).orderBy("prompt_id", "sample_index").collectAsList().get(5);
      String prompt = row.getAs(RolloutTable.PROMPT_ID);
      int sample = row.<Integer>getAs(RolloutTable.SAMPLE_INDEX);
      Stopwatch clock = Stopwatch.start();
      Replay.Result result = Replay.run(spark, root(), iteration, prompt, sample);
      System.out.printf(
          "iteration %d, prompt %s sample %d: %s (%.1f s)%n",
          iteration, prompt, sample, result.line(), clock.seconds());
      assertThat(result.matches()).as(result.line()).isTrue();
      assertThat(result.tokens()).isEqualTo(row.<Integer>getAs(RolloutTable.RESPONSE_LENGTH));
      assertThat(result.maxLogprobDelta()).isZero();
      assertThat(result.line()).startsWith("replay: match (" + result.tokens() + " tokens");
    }
  }

  @Test
  void aTamperedTokenIsReportedAsADifference(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("run");
    copyTree(local(layout.root()), copy);
    RunLayout tampered = new RunLayout(copy);
    Row row = rollouts(2).orderBy("prompt_id", "sample_index").first();
    String prompt = row.getAs(RolloutTable.PROMPT_ID);
    int sample = row.<Integer>getAs(RolloutTable.SAMPLE_INDEX);
    int length = row.<Integer>getAs(RolloutTable.RESPONSE_LENGTH);
    int at = length - 1;
    String folder = tampered.rollouts(2).toString();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> rows =
        spark
            .read()
            .parquet(AtomicOutput.dataFiles(conf, folder))
            .withColumn(
                RolloutTable.RESPONSE_TOKEN_IDS,
                expr(
                    String.format(
                        "CASE WHEN prompt_id = '%s' AND sample_index = %d THEN transform(response_token_ids,"
                            + " (t, i) -> IF(i = %d, t + 1, t)) ELSE response_token_ids END",
                        prompt, sample, at)));
    recommit(conf, folder, rows);

    Replay.Result result = Replay.run(spark, copy.toString(), 2, prompt, sample);
    assertThat(result.matches()).isFalse();
    assertThat(result.line()).isEqualTo("replay: differs at token " + at);
  }

  @Test
  void callerMistakesAreRefusedInOneLine(@TempDir Path tmp) throws IOException {
    String prompt = rollouts(2).first().getAs(RolloutTable.PROMPT_ID);
    assertThatThrownBy(() -> Replay.run(spark, root(), 2, "no-such-prompt", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iteration 2 has no prompt 'no-such-prompt'");
    assertThatThrownBy(() -> Replay.run(spark, root(), 2, prompt, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no sample 4 in iteration 2 (samples 0..3)");
    assertThatThrownBy(() -> Replay.run(spark, root(), 3, prompt, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iteration 3 has no complete rollouts");

    Path copy = tmp.resolve("run");
    copyTree(local(layout.root()), copy);
    deleteTree(local(new RunLayout(copy).checkpoint(0)));
    String first = rollouts(1).first().getAs(RolloutTable.PROMPT_ID);
    assertThatThrownBy(() -> Replay.run(spark, copy.toString(), 1, first, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "iteration 1 cannot be replayed: checkpoint 0 does not exist"
                + " (pruned: checkpoint.keep_every=50); complete ones: [1");
  }

  /**
   * Commits {@code rows} as the complete output {@code folder} in place of its Parquet files, its
   * side files (stage records) kept: a tampered output with a marker that matches it, so that only
   * the rows differ from what the run wrote.
   */
  private static void recommit(Configuration conf, String folder, Dataset<Row> rows)
      throws IOException {
    Map<String, Long> files = AtomicOutput.check(conf, folder).files();
    try (AtomicOutput out = AtomicOutput.beginRunFolder(conf, folder)) {
      out.writeParquet(rows, "");
      for (String name : files.keySet()) {
        if (name.startsWith("_")) {
          Files.copy(
              local(new org.apache.hadoop.fs.Path(folder, name)),
              local(new org.apache.hadoop.fs.Path(out.resolve(name))));
        }
      }
      out.commit();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(
            p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
