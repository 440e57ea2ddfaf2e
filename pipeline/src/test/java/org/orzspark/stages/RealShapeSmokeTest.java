package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.orzspark.run.LocalRuns.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.model.Qwen2Config;
import org.orzspark.plan.ModelShapes;
import org.orzspark.pretrain.RandomBase;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.RepoData;
import org.orzspark.testing.SharedSpark;
import org.orzspark.timing.Stopwatch;

/**
 * A run at a real model's shape: Qwen2.5-0.5B's (hidden 896, 14 heads over 2 KV heads, intermediate
 * 4,864, vocabulary 151,936) with 2 layers, random weights and the real Qwen tokenizer; init, one
 * iteration of 2 prompts × 2 samples × 16 tokens and its optimizer-sharded update on 2 replicas in
 * local mode. Prints the wall times, the process's peak resident memory and the optimizer bytes per
 * replica, then checks that the checkpoint's manifest lists each model's 2 optimizer shards.
 */
@Tag("slow")
class RealShapeSmokeTest {

  @Test
  void initIterationAndTwoReplicaUpdateAtQwen25HalfBillionShape(@TempDir Path dir)
      throws IOException {
    SparkSession spark = SharedSpark.session();
    Qwen2Config shape = ModelShapes.named("qwen2.5-0.5b").withLayers(2);
    Stopwatch clock = Stopwatch.start();
    RandomBase.Result base =
        RandomBase.write(shape, RepoData.resolve("tokenizers/qwen3"), 7, dir.resolve("base"));
    assertThat(base.tokenizerIds()).isEqualTo(151_669);
    double baseSeconds = clock.seconds();
    Path prompts = MicroRuns.prompts(spark, dir.resolve("prompts"), 8);
    Path root = dir.resolve("run");
    RunInitializer.init(
        spark,
        root.toString(),
        MicroRuns.config(
            base.output(),
            prompts,
            Map.of(
                "data.prompts_per_iteration", "2",
                "rollout.samples_per_prompt", "2",
                "rollout.max_response_tokens", "16",
                "update.replicas", "2",
                "update.sharding", "optimizer")));
    double initSeconds = clock.seconds() - baseSeconds;
    Iteration.Outcome outcome = Iteration.run(spark, root.toString(), null, System.out);
    double iterationSeconds = clock.seconds() - baseSeconds - initSeconds;

    RunLayout layout = new RunLayout(root);
    Path checkpoint = local(layout.checkpoint(1));
    Map<?, ?> update =
        new ObjectMapper()
            .readValue(checkpoint.resolve(UpdateStage.UPDATE_FILE).toFile(), Map.class);
    long optimizerBytes =
        ((Number) update.get(IterationMetrics.OPTIMIZER_BYTES.name())).longValue();
    // In local mode the driver JVM runs every stage, so its high-water mark is the run's.
    System.out.printf(
        Locale.ROOT,
        "real-shape smoke (%,d parameters): base %.1f s, init %.1f s, iteration %.1f s;"
            + " peak RSS %,d MiB, Java heap max %,d MiB;"
            + " optimizer %,d MiB per replica (sharding %s)%n",
        shape.parameterCount(),
        baseSeconds,
        initSeconds,
        iterationSeconds,
        peakResidentBytes() >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        optimizerBytes >> 20,
        update.get(UpdateStage.OPTIMIZER_SHARDING));
    assertThat(outcome.iteration()).isEqualTo(1);
    assertThat(checkpoint.resolve("_SUCCESS")).exists();
    assertThat(new CheckpointStore(LocalRuns.store(layout)).manifest(layout.checkpoint(1)).keySet())
        .contains(
            "optimizer/policy.shard-00000-of-00002.adamw",
            "optimizer/policy.shard-00001-of-00002.adamw",
            "optimizer/critic.shard-00000-of-00002.adamw",
            "optimizer/critic.shard-00001-of-00002.adamw");
    assertThat(update.get(UpdateStage.OPTIMIZER_SHARDING)).isEqualTo("optimizer");
    assertThat(optimizerBytes).isPositive();
    assertThat(spark.read().parquet(layout.experience(1).toString()).count()).isEqualTo(4);
  }

  /** The process's resident high-water mark ({@code VmHWM} of {@code /proc/self/status}). */
  private static long peakResidentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    throw new IOException("/proc/self/status has no VmHWM");
  }
}
