package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.orzspark.run.LocalRuns.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.model.Qwen2Config;
import org.orzspark.run.CheckpointState;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.ExperienceTable;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.PromptSampler;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.SharedSpark;

/**
 * Two iterations of a micro run in local mode: exact row counts and schemas, complete checkpoints
 * and metrics, refusal of a completed iteration, resume after a crash between stages and inside the
 * update with the same rows and weights as an uninterrupted run, refusal of a non-finite update,
 * and the experience read by DuckDB.
 */
class IterationTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
  private static SparkSession spark;
  private static Path base;
  private static Path prompts;

  @BeforeAll
  static void micro(@TempDir Path shared) throws IOException {
    spark = SharedSpark.session();
    base = MicroRuns.base(shared.resolve("base"));
    prompts = MicroRuns.prompts(spark, shared.resolve("prompts"), 40);
  }

  private static RunLayout init(Path root) throws IOException {
    RunInitializer.init(spark, root.toString(), MicroRuns.config(base, prompts, Map.of()));
    return new RunLayout(root);
  }

  @Test
  void twoIterationsWriteEveryTableAndCheckpoint(@TempDir Path root) throws Exception {
    RunLayout layout = init(root);
    assertThatThrownBy(
            () ->
                RunInitializer.init(
                    spark, root.toString(), MicroRuns.config(base, prompts, Map.of())))
        .hasMessageContaining("a run already exists");

    Iteration.Outcome first = Iteration.run(spark, root.toString(), null, QUIET);
    Iteration.Outcome second = Iteration.run(spark, root.toString(), 2, QUIET);
    assertThat(first.iteration()).isEqualTo(1);
    assertThat(second.iteration()).isEqualTo(2);

    Dataset<Row> rollouts = spark.read().parquet(root.resolve("rollouts").toString());
    assertThat(rollouts.count()).isEqualTo(2 * 4 * 4);
    assertThat(rollouts.where("iteration = 2").count()).isEqualTo(16);
    assertThat(rollouts.where("iteration = 2").select("prompt_id").distinct().count()).isEqualTo(4);
    assertThat(rollouts.drop("iteration").schema().fieldNames())
        .containsExactly(RolloutTable.ROLLOUTS.fieldNames());
    assertThat(
            rollouts
                .where(
                    "size(response_token_ids) != response_length"
                        + " OR size(sampling_logprobs) != response_length")
                .count())
        .isZero();
    assertThat(rollouts.where("reward NOT IN (0.0, 1.0)").count()).isZero();
    assertThat(
            rollouts
                .where("iteration = 1")
                .select("prompt_id")
                .intersect(rollouts.where("iteration = 2").select("prompt_id"))
                .count())
        .as("no prompt twice within an epoch")
        .isZero();

    Dataset<Row> experience = spark.read().parquet(layout.experience(2).toString());
    assertThat(experience.count()).isEqualTo(16);
    assertThat(experience.schema().fieldNames())
        .containsExactly(ExperienceTable.SCHEMA.fieldNames());
    assertThat(
            experience
                .where(
                    "size(token_ids) != prompt_length + response_length"
                        + " OR size(advantages) != response_length OR size(values) != response_length")
                .count())
        .isZero();
    Row advantages =
        experience
            .selectExpr("explode(advantages) AS a")
            .selectExpr("avg(a)", "stddev_pop(a)")
            .first();
    assertThat(advantages.getDouble(0)).as("normalised over all tokens").isCloseTo(0, within(1e-4));
    assertThat(advantages.getDouble(1)).isCloseTo(1, within(1e-3));

    CheckpointStore store = new CheckpointStore(LocalRuns.store(layout));
    assertThat(store.scan())
        .extracting(CheckpointStore.Verdict::iteration)
        .containsExactly(2, 1, 0);
    assertThat(store.scan()).allMatch(CheckpointStore.Verdict::complete);
    Map<?, ?> update =
        new ObjectMapper()
            .readValue(
                local(layout.checkpoint(2)).resolve(UpdateStage.UPDATE_FILE).toFile(), Map.class);
    assertThat(((Number) update.get("optim/policy_steps")).intValue()).isEqualTo(2);
    assertThat(((Number) update.get("optim/critic_steps")).intValue()).isEqualTo(4);
    assertThat(((Number) update.get("update/replicas")).intValue()).isEqualTo(2);
    // Mean entropy of the policy's next-token distributions over the response tokens: positive and
    // at most log(vocabulary) nats.
    assertThat(((Number) update.get("policy/entropy")).doubleValue())
        .isPositive()
        .isLessThanOrEqualTo(Math.log(Qwen2Config.read(base.resolve("config.json")).vocabSize()));

    Dataset<Row> metrics =
        spark
            .read()
            .option("mergeSchema", "true")
            .option("basePath", layout.metrics().toString())
            .parquet(layout.metrics() + "/iteration=*");
    assertThat(metrics.count()).isEqualTo(2);
    assertThat(metrics.columns())
        .contains(
            "reward/mean",
            "response/length_mean",
            "format/rate",
            "reflection/share",
            "losses/policy",
            "losses/value",
            "losses/clipfrac",
            "grad/norm",
            "time/rollout_s",
            "time/update_s",
            "throughput/tokens_per_s",
            "reward/verify_timeout_rate",
            "reward/verify_too_large_rate",
            "reward/verify_internal_error_rate");
    assertThat(Files.readAllLines(local(layout.metricsJsonl()))).hasSize(2);

    assertThatThrownBy(() -> Iteration.run(spark, root.toString(), 2, QUIET))
        .hasMessageContaining("iteration 2 is already complete");
    assertThatThrownBy(() -> Iteration.run(spark, root.toString(), 5, QUIET))
        .hasMessageContaining("the next iteration is 3");
    assertThat(duckDbCount(local(layout.experience(2)))).isEqualTo(16);
  }

  @Test
  void aCrashBetweenStagesOrInsideTheUpdateResumesToTheSameRowsAndWeights(@TempDir Path dir)
      throws Exception {
    Path reference = dir.resolve("reference");
    init(reference);
    Iteration.run(spark, reference.toString(), null, QUIET);
    Iteration.run(spark, reference.toString(), null, QUIET);

    Path crashed = dir.resolve("crashed");
    RunLayout layout = init(crashed);
    Iteration.run(spark, crashed.toString(), null, QUIET);
    // Iteration 2 dies after its experience stage: sample, rollout, score and experience are done.
    runThroughExperience(layout, 2);
    List<String> rolloutFiles = files(local(layout.rollouts(2)));
    // ... and inside the update: task 0 was writing checkpoint 2 (its temp folder) when it died.
    Path partial = local(layout.checkpoints()).resolve(".iter-000002.tmp-crashed");
    Files.createDirectories(partial.resolve("policy"));
    Files.writeString(partial.resolve("policy/model.safetensors"), "half a tensor");

    Iteration.Outcome resumed = Iteration.run(spark, crashed.toString(), null, QUIET);
    assertThat(resumed.iteration()).isEqualTo(2);
    assertThat(files(local(layout.rollouts(2))))
        .as("completed stages are not recomputed")
        .isEqualTo(rolloutFiles);
    RunLayout referenceLayout = new RunLayout(reference);
    assertThat(rows(layout.rollouts(2))).isEqualTo(rows(referenceLayout.rollouts(2)));
    assertThat(rows(layout.experience(2))).isEqualTo(rows(referenceLayout.experience(2)));
    assertThat(digests(layout)).isEqualTo(digests(referenceLayout));
    assertThat(
            new CheckpointStore(LocalRuns.store(layout)).latestComplete().orElseThrow().iteration())
        .isEqualTo(2);
  }

  @Test
  void aNonFiniteUpdateIsRefusedRecordedAndLeavesTheLatestCheckpoint(@TempDir Path root)
      throws Exception {
    RunLayout layout = init(root);
    runThroughExperience(layout, 1);
    // The experience of a diverged critic: every advantage NaN (the iteration resumes at the
    // update).
    Dataset<Row> poisoned =
        spark
            .read()
            .parquet(layout.experience(1).toString())
            .withColumn("advantages", functions.expr("transform(advantages, a -> float('NaN'))"));
    try (AtomicOutput out =
        AtomicOutput.begin(
            spark.sparkContext().hadoopConfiguration(), layout.experience(1).toString(), true)) {
      out.writeParquet(poisoned, "");
      out.commit();
    }

    assertThatThrownBy(() -> Iteration.run(spark, root.toString(), null, QUIET))
        .isInstanceOf(Iteration.UpdateRefusedException.class)
        .hasMessageContaining("non-finite")
        .hasMessageContaining("checkpoint 0 stays the latest");
    List<String> failures = Files.readAllLines(local(layout.failuresJsonl()));
    assertThat(failures)
        .singleElement()
        .satisfies(
            line -> {
              Map<?, ?> failure = new ObjectMapper().readValue(line, Map.class);
              assertThat(failure.get("iteration")).isEqualTo(1);
              assertThat(failure.get("stage")).isEqualTo("update");
              assertThat((String) failure.get("reason")).contains("non-finite");
            });
    CheckpointStore store = new CheckpointStore(LocalRuns.store(layout));
    assertThat(store.latestComplete().orElseThrow().iteration()).isZero();
    assertThat(store.scan()).extracting(CheckpointStore.Verdict::iteration).containsExactly(0);
  }

  /** The stages of an iteration before its update, as a run that dies there leaves them. */
  /**
   * A barrier stage retried after its task 0 committed the checkpoint (Spark retries all tasks of a
   * failed barrier stage) runs the same update again: it reproduces the committed files byte for
   * byte, so the commit keeps the checkpoint instead of failing.
   */
  @Test
  void anUpdateRunAgainAfterItsCommitKeepsTheCommittedCheckpoint(@TempDir Path root)
      throws Exception {
    RunLayout layout = init(root);
    runThroughExperience(layout, 1);
    IterationContext ctx =
        new IterationContext(
            spark,
            LocalRuns.store(layout),
            org.orzspark.run.RunConfig.read(LocalRuns.store(layout)),
            1);
    CheckpointState state = new CheckpointState(1, new PromptSampler.Cursor(0, 4));
    UpdateStage.Result first = UpdateStage.run(ctx, state);
    Path manifest = local(layout.checkpoint(1)).resolve(CheckpointStore.MANIFEST);
    String committed = Files.readString(manifest);

    UpdateStage.Result retried = UpdateStage.run(ctx, state);
    assertThat(retried.applied()).isTrue();
    assertThat(retried.replicas())
        .extracting(UpdateStage.ReplicaReport::policyDigest)
        .containsOnly(first.replicas().get(0).policyDigest());
    assertThat(Files.readString(manifest)).isEqualTo(committed);
    assertThat(new CheckpointStore(LocalRuns.store(layout)).verify(1).complete()).isTrue();
  }

  @Test
  void theExperienceAndUpdateStagesPrintProgressUpToTheirTotals(@TempDir Path root)
      throws Exception {
    RunLayout layout = init(root);
    IterationContext ctx = runThroughScore(layout, 1);
    long sequences = spark.read().parquet(ctx.dataFiles(layout.rollouts(1))).count();
    int steps = UpdateSettings.from(ctx.config()).trainer(1).steps();

    String experience = stderrOf(() -> ExperienceStage.run(ctx));
    String update =
        stderrOf(
            () -> UpdateStage.run(ctx, new CheckpointState(1, new PromptSampler.Cursor(0, 4))));

    String full = "[" + "#".repeat(30) + "] ";
    assertThat(experience.lines().filter(l -> l.startsWith("  experience [")).toList())
        .last()
        .isEqualTo("  experience " + full + sequences + "/" + sequences + " sequences");
    assertThat(update.lines().filter(l -> l.startsWith("  updating [")).toList())
        .last()
        .isEqualTo("  updating " + full + steps + "/" + steps + " optimizer steps");
  }

  private interface Stage {
    void run() throws IOException;
  }

  /** What {@code stage} printed on standard error (where the stages' progress bars go). */
  private static String stderrOf(Stage stage) throws IOException {
    PrintStream console = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      stage.run();
    } finally {
      System.setErr(console);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  static void runThroughExperience(RunLayout layout, int iteration) throws IOException {
    ExperienceStage.run(runThroughScore(layout, iteration));
  }

  private static IterationContext runThroughScore(RunLayout layout, int iteration)
      throws IOException {
    IterationContext ctx =
        new IterationContext(
            SharedSpark.session(),
            LocalRuns.store(layout),
            org.orzspark.run.RunConfig.read(LocalRuns.store(layout)),
            iteration);
    SampleStage.run(ctx, Iteration.cursorOf(ctx.store(), layout.checkpoint(iteration - 1)));
    RolloutStage.run(ctx, SampleStage.read(ctx).prompts());
    ScoreStage.run(ctx);
    return ctx;
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }

  private static List<String> files(Path folder) throws IOException {
    try (Stream<Path> paths = Files.list(folder)) {
      return paths.map(p -> p.getFileName() + "@" + p.toFile().lastModified()).sorted().toList();
    }
  }

  private static List<String> rows(org.apache.hadoop.fs.Path folder) {
    return spark
        .read()
        .parquet(folder.toString())
        .orderBy("prompt_id", "sample_index")
        .toJSON()
        .collectAsList();
  }

  private static List<Object> digests(RunLayout layout) throws IOException {
    Map<?, ?> update =
        new ObjectMapper()
            .readValue(
                local(layout.checkpoint(2)).resolve(UpdateStage.UPDATE_FILE).toFile(), Map.class);
    return List.of(update.get("digest/policy"), update.get("digest/critic"));
  }

  /** The experience as an independent engine reads it: DuckDB over the Parquet files. */
  private static long duckDbCount(Path folder) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet result =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT count(*), min(len(advantages) = response_length::BIGINT),"
                        + " min(prompt_length + response_length = len(token_ids))"
                        + " FROM read_parquet('"
                        + folder
                        + "/*.parquet')")) {
      result.next();
      assertThat(result.getBoolean(2)).isTrue();
      assertThat(result.getBoolean(3)).isTrue();
      return result.getLong(1);
    }
  }
}
