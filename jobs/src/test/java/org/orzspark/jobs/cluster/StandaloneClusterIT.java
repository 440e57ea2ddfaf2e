package org.orzspark.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.LauncherProcess;

/**
 * {@code orz cluster start --workers 2}, a job whose tasks run in two executor processes, GPU-aware
 * placement with fake GPU discovery, {@code orz cluster stop}, and no process left behind — all
 * through the launcher.
 */
@Tag("cluster")
class StandaloneClusterIT {

  @Test
  void startRunStopLeavesNothingBehind(@TempDir Path home) throws Exception {
    int port = freePort();
    int webUi = freePort();
    String[] where = {"--home", home.toString()};
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
            Integer.toString(webUi),
            "--home",
            home.toString());
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      assertThat(started.output()).contains("spark://127.0.0.1:" + port);

      var status =
          LauncherProcess.run(Duration.ofMinutes(1), "cluster", "status", where[0], where[1]);
      assertThat(status.exitCode()).as(status.output()).isZero();
      assertThat(status.output()).contains("2 worker(s) registered");

      var check =
          LauncherProcess.run(
              Duration.ofMinutes(3),
              "cluster",
              "check",
              "--tasks",
              "8",
              "--",
              "--master",
              "spark://127.0.0.1:" + port);
      assertThat(check.exitCode()).as(check.output()).isZero();
      assertThat(check.output()).containsPattern("8 tasks ran in 2 executor process\\(es\\)");

      // Stage-level scheduling: GPU tasks land on executors holding a (fake) GPU address each.
      var gpuCheck =
          LauncherProcess.run(
              Duration.ofMinutes(3),
              "cluster",
              "check",
              "--tasks",
              "4",
              "--gpus-per-task",
              "1",
              "--",
              "--master",
              "spark://127.0.0.1:" + port,
              "--conf",
              "spark.executor.resource.gpu.amount=1",
              "--conf",
              "spark.executor.resource.gpu.discoveryScript="
                  + org.orzspark.testing.RepoPaths.root().resolve("conf/gpu-discovery.sh"));
      assertThat(gpuCheck.exitCode()).as(gpuCheck.output()).isZero();
      assertThat(gpuCheck.output())
          .containsPattern(
              "GPU addresses seen by tasks \\(executor/address\\): \\[\\d+/[01], \\d+/[01]\\]");
    } finally {
      var stopped =
          LauncherProcess.run(Duration.ofMinutes(1), "cluster", "stop", where[0], where[1]);
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    }
    assertThat(sparkDaemonsUnder(home)).as("processes left behind").isEmpty();
    var after = LauncherProcess.run(Duration.ofMinutes(1), "cluster", "status", where[0], where[1]);
    assertThat(after.exitCode()).isEqualTo(1);
  }

  private static List<Long> sparkDaemonsUnder(Path home) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
