package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;
import org.orzspark.testing.SharedSpark;

/**
 * The experience does not depend on the order its rows arrive in (shuffle fetch order, retried
 * tasks, other executors): rollouts stored in the reverse order give bit-identical experience rows,
 * advantages normalised with bit-identical statistics included, with micro-batches of a few
 * sequences. (At this size the rows' order happens not to change the result even unsorted; the
 * canonical order in {@code ExperienceStage} makes it hold at any size.)
 */
class ExperienceOrderTest {

  @Test
  void reversedRolloutsGiveBitIdenticalExperience(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.session();
    Path base = MicroRuns.base(dir.resolve("base"));
    Path prompts = MicroRuns.prompts(spark, dir.resolve("prompts"), 40);
    Path root = dir.resolve("run");
    RunInitializer.init(
        spark,
        root.toString(),
        MicroRuns.config(base, prompts, Map.of("ppo.micro_batch_tokens", "200")));
    RunStore store = LocalRuns.store(root);
    RunLayout layout = store.layout();
    IterationContext ctx = new IterationContext(spark, store, RunConfig.read(store), 1);
    SampleStage.run(ctx, Iteration.cursorOf(store, layout.checkpoint(0)));
    RolloutStage.run(ctx, SampleStage.read(ctx).prompts());
    ScoreStage.run(ctx);
    ExperienceStage.run(ctx);
    List<String> inOrder = rows(spark, layout.experience(1));

    var reversed =
        spark
            .read()
            .parquet(ctx.dataFiles(layout.rollouts(1)))
            .orderBy(
                org.apache.spark.sql.functions.col("prompt_id").desc(),
                org.apache.spark.sql.functions.col("sample_index").desc())
            .coalesce(1);
    try (AtomicOutput out = ctx.begin(layout.rollouts(1))) {
      out.writeParquet(reversed.localCheckpoint(), "");
      out.commit();
    }
    ExperienceStage.run(ctx);

    assertThat(rows(spark, layout.experience(1))).hasSize(16).isEqualTo(inOrder);
  }

  private static List<String> rows(SparkSession spark, org.apache.hadoop.fs.Path folder) {
    return spark
        .read()
        .parquet(folder.toString())
        .orderBy("prompt_id", "sample_index")
        .toJSON()
        .collectAsList();
  }
}
