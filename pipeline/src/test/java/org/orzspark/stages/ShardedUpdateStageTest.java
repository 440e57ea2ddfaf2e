package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.orzspark.run.LocalRuns.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.model.Safetensors;
import org.orzspark.model.SafetensorsDtype;
import org.orzspark.run.CheckpointState;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.PromptSampler;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;
import org.orzspark.testing.SharedSpark;

/**
 * {@code update.sharding=optimizer} in the update barrier stage (local[2]: 2 replicas on unequal
 * shards of 16 rows): the same checkpoints' weights, bit for bit, as the replicated update; each
 * replica writes its own shard files, which the committed manifest lists; a replicated checkpoint
 * resumes sharded, and a sharded one replicated; with {@code checkpoint.dtype=bf16} the weights are
 * written in bf16 and a resumed update continues from the fp32 masters exactly.
 */
class ShardedUpdateStageTest {
  private static Path base;
  private static Path prompts;

  @BeforeAll
  static void micro(@TempDir Path shared) throws IOException {
    base = MicroRuns.base(shared.resolve("base"));
    prompts = MicroRuns.prompts(SharedSpark.session(), shared.resolve("prompts"), 40);
  }

  /**
   * Iteration 1's experience once, then its update replicated and sharded on copies of the run;
   * iteration 2's experience on the sharded run, then its update sharded (the sharded state loaded)
   * and, on a copy, replicated (the same shard files loaded into a replicated optimizer).
   */
  @Test
  void shardedUpdatesMatchReplicatedOnesAndResumeEitherWay(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("first");
    RunInitializer.init(
        SharedSpark.session(), first.toString(), MicroRuns.config(base, prompts, Map.of()));
    IterationTest.runThroughExperience(new RunLayout(first), 1);
    Path replicated = copy(first, dir.resolve("replicated"));
    Path sharded = copy(first, dir.resolve("sharded"));
    Path bf16Sharded = copy(first, dir.resolve("bf16-sharded"));
    Path bf16Replicated = copy(first, dir.resolve("bf16-replicated"));
    update(replicated, 1, "none", "fp32");
    update(sharded, 1, "optimizer", "fp32");
    update(bf16Sharded, 1, "optimizer", "bf16");
    update(bf16Replicated, 1, "none", "bf16");
    assertThat(digests(sharded, 1)).isEqualTo(digests(replicated, 1));
    assertThat(digests(bf16Sharded, 1)).isEqualTo(digests(replicated, 1));
    assertThat(digests(bf16Replicated, 1)).isEqualTo(digests(replicated, 1));
    assertThat(
            Safetensors.readHeader(weights(bf16Sharded, 1)).values().stream()
                .map(Safetensors.Entry::dtype))
        .containsOnly(SafetensorsDtype.BF16);
    assertThat(Files.size(weights(bf16Sharded, 1))).isLessThan(Files.size(weights(sharded, 1)));

    IterationTest.runThroughExperience(new RunLayout(sharded), 2);
    Path switched = copy(sharded, dir.resolve("switched"));
    update(sharded, 2, "optimizer", "fp32");
    update(switched, 2, "none", "fp32");
    assertThat(digests(switched, 2)).isEqualTo(digests(sharded, 2));
    assertThat(digests(sharded, 2)).isNotEqualTo(digests(sharded, 1));

    // checkpoint.dtype=bf16: iteration 2's update on the same experience resumes from the fp32
    // masters in the optimizer state, so it continues exactly as the fp32 run, sharded or not;
    // without the masters (the rounded weights alone) it would not.
    for (Path run : new Path[] {bf16Sharded, bf16Replicated}) {
      copy(local(new RunLayout(sharded).experience(2)), local(new RunLayout(run).experience(2)));
    }
    Path withoutMasters = copy(bf16Replicated, dir.resolve("bf16-without-masters"));
    for (String model : new String[] {"policy", "critic"}) {
      Files.delete(
          local(new RunLayout(withoutMasters).checkpoint(1))
              .resolve(UpdateStage.mastersFile(model)));
    }
    update(bf16Sharded, 2, "optimizer", "bf16");
    update(bf16Replicated, 2, "none", "bf16");
    update(withoutMasters, 2, "none", "bf16");
    assertThat(digests(bf16Sharded, 2)).isEqualTo(digests(sharded, 2));
    assertThat(digests(bf16Replicated, 2)).isEqualTo(digests(sharded, 2));
    assertThat(digests(withoutMasters, 2)).isNotEqualTo(digests(sharded, 2));

    RunLayout layout = new RunLayout(sharded);
    CheckpointStore store = new CheckpointStore(LocalRuns.store(layout));
    CheckpointStore.Verdict latest = store.latestComplete().orElseThrow();
    assertThat(latest.iteration()).isEqualTo(2);
    assertThat(store.manifest(latest.folder()).keySet())
        .contains(
            "optimizer/policy.shard-00000-of-00002.adamw",
            "optimizer/policy.shard-00001-of-00002.adamw",
            "optimizer/critic.shard-00000-of-00002.adamw",
            "optimizer/critic.shard-00001-of-00002.adamw")
        .doesNotContain(UpdateStage.POLICY_OPTIMIZER, UpdateStage.CRITIC_OPTIMIZER);
    Map<?, ?> shardedUpdate = figures(sharded, 2);
    Map<?, ?> replicatedUpdate = figures(switched, 2);
    assertThat(shardedUpdate.get(UpdateStage.OPTIMIZER_SHARDING)).isEqualTo("optimizer");
    assertThat(replicatedUpdate.get(UpdateStage.OPTIMIZER_SHARDING)).isEqualTo("none");
    long full =
        ((Number) replicatedUpdate.get(IterationMetrics.OPTIMIZER_BYTES.name())).longValue();
    long half = ((Number) shardedUpdate.get(IterationMetrics.OPTIMIZER_BYTES.name())).longValue();
    assertThat(half).as("replica 0's shard of %d bytes", full).isBetween(full / 2 - 16, full / 2);
  }

  private static Path weights(Path run, int iteration) {
    return local(new RunLayout(run).checkpoint(iteration)).resolve("policy/model.safetensors");
  }

  /**
   * Runs iteration {@code iteration}'s update of a run with {@code update.sharding} and {@code
   * checkpoint.dtype} set.
   */
  private static void update(Path run, int iteration, String sharding, String dtype)
      throws IOException {
    RunStore store = LocalRuns.store(run);
    RunConfig config = RunConfig.read(store);
    Map<String, String> settings = new TreeMap<>(config.settings());
    settings.put("update.sharding", sharding);
    settings.put("checkpoint.dtype", dtype);
    IterationContext ctx =
        new IterationContext(
            SharedSpark.session(),
            store,
            new RunConfig(config.baseModel(), config.prompts(), config.profile(), settings),
            iteration);
    UpdateStage.Result result =
        UpdateStage.run(
            ctx, new CheckpointState(iteration, new PromptSampler.Cursor(0, 4 * iteration)));
    assertThat(result.applied()).isTrue();
    assertThat(result.replicas()).hasSize(2);
  }

  private static Map<?, ?> figures(Path run, int iteration) throws IOException {
    return new ObjectMapper()
        .readValue(
            local(new RunLayout(run).checkpoint(iteration))
                .resolve(UpdateStage.UPDATE_FILE)
                .toFile(),
            Map.class);
  }

  private static String digests(Path run, int iteration) throws IOException {
    Map<?, ?> update = figures(run, iteration);
    return update.get("digest/policy") + " " + update.get("digest/critic");
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
    return to;
  }
}
