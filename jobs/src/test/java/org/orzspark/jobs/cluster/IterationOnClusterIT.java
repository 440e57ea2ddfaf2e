package org.orzspark.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.MicroRuns;
import org.orzspark.stages.UpdateStage;
import org.orzspark.testing.SharedSpark;

/**
 * The iteration job on a standalone cluster of two executor processes, through the launcher as a
 * user runs it (prompts written in-process), with one GPU per model task on workers that own one
 * fake GPU each: init, two iterations whose rollout and update tasks run on executors holding a GPU
 * address, and see it, whose update replicas run in two different executor JVMs and end with
 * identical parameters (the stage compares digests), complete checkpoints and metrics; the first
 * iteration again with {@code update.sharding=optimizer}, its replicas in two executor JVMs: the
 * same weights bit for bit, each replica's optimizer shard in the checkpoint.
 */
@Tag("cluster")
class IterationOnClusterIT {
  private static final Pattern REPLICAS =
      Pattern.compile("update by 2 replicas in executors \\[(\\S+), (\\S+)\\]");

  @Test
  void twoIterationsOnTwoExecutors(@TempDir Path dir) throws Exception {
    int port = freePort();
    Path home = dir.resolve("cluster");
    var started =
        LauncherProcess.run(
            Duration.ofMinutes(3),
            "cluster",
            "start",
            "--workers",
            "2",
            "--fake-gpus",
            "1",
            "--port",
            Integer.toString(port),
            "--webui-port",
            Integer.toString(freePort()),
            "--home",
            home.toString());
    assertThat(started.exitCode()).as(started.output()).isZero();
    String master = "spark://127.0.0.1:" + port;
    try {
      Path base = MicroRuns.base(dir.resolve("base"));
      // Prompts as orz synth writes them (arithmetic and comparison, difficulty 1-2), written
      // here: a synth application on the cluster would only add executor start-up.
      Path prompts = MicroRuns.prompts(SharedSpark.session(), dir.resolve("prompts"), 40);
      Path run = dir.resolve("run");
      ok(
          LauncherProcess.run(
              Duration.ofMinutes(5),
              init(run, base, prompts, master, "--set", "resources.gpus_per_task=1")));
      for (int iteration = 1; iteration <= 2; iteration++) {
        var iterate = iterateOnGpus(run, master);
        Matcher rollout =
            Pattern.compile("rollouts generated on \\[([^\\]]*)\\]").matcher(iterate.output());
        assertThat(rollout.find()).as(iterate.output()).isTrue();
        assertThat(rollout.group(1).split(","))
            .as("rollout tasks on GPU executors")
            .isNotEmpty()
            .allMatch(p -> p.matches("\\d+@\\d+/gpu\\d+"));
        Matcher replicas = REPLICAS.matcher(iterate.output());
        assertThat(replicas.find()).as(iterate.output()).isTrue();
        assertThat(new String[] {replicas.group(1), replicas.group(2)})
            .as("update replicas on GPU executors")
            .allMatch(p -> p.matches("\\d+@\\d+/gpu\\d+"));
        assertThat(pid(replicas.group(1)))
            .as("replicas in two executor processes")
            .isNotEqualTo(pid(replicas.group(2)));
        assertThat(iterate.output()).contains("iteration " + iteration + " | reward");
      }
      RunLayout layout = new RunLayout(run);
      assertThat(
              new CheckpointStore(LocalRuns.store(run)).latestComplete().orElseThrow().iteration())
          .isEqualTo(2);
      assertThat(Files.readAllLines(LocalRuns.local(layout.metricsJsonl()))).hasSize(2);

      // The same first iteration with the optimizer sharded over the two executors' replicas:
      // the same weights bit for bit; each replica wrote its own shard files. This run is
      // initialised in local mode: init needs no executor, and its files are the same.
      Path sharded = dir.resolve("sharded-run");
      ok(
          LauncherProcess.run(
              Duration.ofMinutes(5),
              init(
                  sharded,
                  base,
                  prompts,
                  null,
                  "--set",
                  "resources.gpus_per_task=1",
                  "--set",
                  "update.sharding=optimizer")));
      String shardedOutput = iterateOnGpus(sharded, master).output();
      Matcher shardedReplicas = REPLICAS.matcher(shardedOutput);
      assertThat(shardedReplicas.find()).as(shardedOutput).isTrue();
      assertThat(pid(shardedReplicas.group(1))).isNotEqualTo(pid(shardedReplicas.group(2)));
      RunLayout shardedLayout = new RunLayout(sharded);
      assertThat(digests(shardedLayout, 1)).isEqualTo(digests(layout, 1));
      CheckpointStore shardedStore = new CheckpointStore(LocalRuns.store(sharded));
      assertThat(shardedStore.manifest(shardedLayout.checkpoint(1)).keySet())
          .contains(
              "optimizer/policy.shard-00000-of-00002.adamw",
              "optimizer/policy.shard-00001-of-00002.adamw");
    } finally {
      var stopped =
          LauncherProcess.run(Duration.ofMinutes(1), "cluster", "stop", "--home", home.toString());
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    }
  }

  /**
   * {@code orz iterate} of a run whose model tasks ask for one GPU each, on executors that own one
   * (a fake) GPU each.
   */
  private static LauncherProcess.Outcome iterateOnGpus(Path run, String master)
      throws IOException, InterruptedException {
    return ok(
        LauncherProcess.run(
            Duration.ofMinutes(6),
            "iterate",
            "--run-dir",
            run.toString(),
            "--",
            "--master",
            master,
            "--conf",
            "spark.executor.resource.gpu.amount=1",
            "--conf",
            "spark.executor.resource.gpu.discoveryScript="
                + org.orzspark.testing.RepoPaths.root().resolve("conf/gpu-discovery.sh")));
  }

  /**
   * {@code orz init} of a micro run on the cluster at {@code master} (local mode when null), with
   * {@code more} options.
   */
  private static String[] init(Path run, Path base, Path prompts, String master, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "init",
                "--run-dir",
                run.toString(),
                "--base",
                base.toString(),
                "--prompts",
                prompts.toString(),
                "--set",
                "data.prompts_per_iteration=4",
                "--set",
                "rollout.samples_per_prompt=4",
                "--set",
                "rollout.max_response_tokens=8",
                "--set",
                "data.max_prompt_tokens=4096",
                "--set",
                "ppo.critic_minibatches=2",
                "--set",
                "optim.warmup_steps=1"));
    args.addAll(List.of(more));
    if (master != null) {
      args.addAll(List.of("--", "--master", master));
    }
    return args.toArray(String[]::new);
  }

  /** The policy and critic digests that checkpoint {@code iteration}'s update recorded. */
  private static String digests(RunLayout layout, int iteration) throws IOException {
    Map<?, ?> update =
        new ObjectMapper()
            .readValue(
                LocalRuns.local(layout.checkpoint(iteration))
                    .resolve(UpdateStage.UPDATE_FILE)
                    .toFile(),
                Map.class);
    return update.get("digest/policy") + " " + update.get("digest/critic");
  }

  private static LauncherProcess.Outcome ok(LauncherProcess.Outcome outcome) {
    assertThat(outcome.exitCode()).as(outcome.output()).isZero();
    return outcome;
  }

  private static String pid(String executorAtPid) {
    return executorAtPid.substring(executorAtPid.indexOf('@') + 1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
