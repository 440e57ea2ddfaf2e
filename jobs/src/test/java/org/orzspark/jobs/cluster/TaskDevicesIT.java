package org.orzspark.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.testing.RepoPaths;

/**
 * One worker pretending to own two GPUs runs one executor with two task slots and both addresses:
 * two tasks running side by side there are assigned {@code gpu(0)} and {@code gpu(1)}, and, since
 * the CPU-only engine sees no GPU, both allocate on the CPU ({@link
 * org.orzspark.stages.TaskDevices}'s fallback rule).
 */
@Tag("cluster")
class TaskDevicesIT {

  @Test
  void twoTasksOfOneExecutorGetItsTwoGpus(@TempDir Path home) throws Exception {
    int port = freePort();
    var started =
        LauncherProcess.run(
            Duration.ofMinutes(3),
            "cluster",
            "start",
            "--workers",
            "1",
            "--cores",
            "2",
            "--fake-gpus",
            "2",
            "--port",
            Integer.toString(port),
            "--webui-port",
            Integer.toString(freePort()),
            "--home",
            home.toString());
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      var check =
          LauncherProcess.run(
              Duration.ofMinutes(3),
              "cluster",
              "check",
              "--tasks",
              "4",
              "--executors",
              "1",
              "--gpus-per-task",
              "1",
              "--",
              "--master",
              "spark://127.0.0.1:" + port,
              "--conf",
              "spark.executor.resource.gpu.amount=2",
              "--conf",
              "spark.executor.resource.gpu.discoveryScript="
                  + RepoPaths.root().resolve("conf/gpu-discovery.sh"));
      assertThat(check.exitCode()).as(check.output()).isZero();
      assertThat(check.output())
          .containsPattern("4 tasks ran in 1 executor process\\(es\\)")
          .containsPattern(
              "Devices of the tasks \\(executor/assigned->allocating\\):"
                  + " \\[(\\d+)/gpu\\(0\\)->cpu\\(\\), \\1/gpu\\(1\\)->cpu\\(\\)\\]");
    } finally {
      var stopped =
          LauncherProcess.run(Duration.ofMinutes(1), "cluster", "stop", "--home", home.toString());
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
