package org.orzspark.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.MicroRuns;

/**
 * The iteration job on a standalone cluster of two executor processes, through the launcher as a
 * user runs it: init, two iterations whose update replicas run in two different executor JVMs and
 * end with identical parameters (the stage compares digests), complete checkpoints and metrics.
 */
class IterationOnClusterIT {

  @Test
  void twoIterationsOnTwoExecutors(@TempDir Path dir) throws Exception {
    int port = freePort();
    Path home = dir.resolve("cluster");
    var started = LauncherProcess.run(Duration.ofMinutes(3), "cluster", "start", "--workers", "2",
        "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()),
        "--home", home.toString());
    assertThat(started.exitCode()).as(started.output()).isZero();
    String master = "spark://127.0.0.1:" + port;
    try {
      Path base = MicroRuns.base(dir.resolve("base"));
      Path prompts = dir.resolve("prompts");
      Path run = dir.resolve("run");
      ok(LauncherProcess.run(Duration.ofMinutes(5), "synth", "--families", "arithmetic,comparison",
          "--difficulty", "1-2", "--count", "40", "--output", prompts.toString(), "--", "--master", master));
      ok(LauncherProcess.run(Duration.ofMinutes(5), "init", "--run-dir", run.toString(),
          "--base", base.toString(), "--prompts", prompts.toString(),
          "--set", "data.prompts_per_iteration=4", "--set", "rollout.samples_per_prompt=4",
          "--set", "rollout.max_response_tokens=8", "--set", "data.max_prompt_tokens=4096",
          "--set", "ppo.critic_minibatches=2", "--set", "optim.warmup_steps=1",
          "--", "--master", master));
      for (int iteration = 1; iteration <= 2; iteration++) {
        var iterate = ok(LauncherProcess.run(Duration.ofMinutes(6), "iterate", "--run-dir",
            run.toString(), "--", "--master", master));
        Matcher replicas = Pattern.compile("update by 2 replicas in executors \\[(\\S+), (\\S+)\\]")
            .matcher(iterate.output());
        assertThat(replicas.find()).as(iterate.output()).isTrue();
        assertThat(pid(replicas.group(1))).as("replicas in two executor processes")
            .isNotEqualTo(pid(replicas.group(2)));
        assertThat(iterate.output()).contains("iteration " + iteration + " | reward");
      }
      RunLayout layout = new RunLayout(run);
      assertThat(new CheckpointStore(layout).latestComplete().orElseThrow().iteration()).isEqualTo(2);
      assertThat(Files.readAllLines(layout.metricsJsonl())).hasSize(2);
    } finally {
      var stopped = LauncherProcess.run(Duration.ofMinutes(1), "cluster", "stop", "--home", home.toString());
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    }
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
