package org.orzspark.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    var started = start(home, port, webUi, "--workers", "2", "--fake-gpus", "1");
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      assertThat(started.output()).contains("spark://127.0.0.1:" + port);
      Matcher masterPid = Pattern.compile("master pid (\\d+)").matcher(started.output());
      assertThat(masterPid.find()).as(started.output()).isTrue();
      assertThat(
              ProcessHandle.of(Long.parseLong(masterPid.group(1))).orElseThrow().info().arguments())
          .as("SPARK_DAEMON_JAVA_OPTS reach the master JVM")
          .hasValueSatisfying(
              arguments -> assertThat(arguments).contains("-XX:TieredStopAtLevel=1"));

      var status =
          LauncherProcess.run(Duration.ofMinutes(1), "cluster", "status", where[0], where[1]);
      assertThat(status.exitCode()).as(status.output()).isZero();
      assertThat(status.output()).contains("2 worker(s) registered");

      // One job shows both: its tasks spread over the two executor processes, and stage-level
      // scheduling puts them on executors holding a (fake) GPU address each.
      var gpuCheck = gpuCheck(port, 1, "--tasks", "4");
      assertThat(gpuCheck.exitCode()).as(gpuCheck.output()).isZero();
      assertThat(gpuCheck.output())
          .containsPattern("4 tasks ran in 2 executor process\\(es\\)")
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

  /**
   * One worker pretending to own two GPUs runs one executor with two task slots and both addresses:
   * two tasks running side by side there are assigned {@code gpu(0)} and {@code gpu(1)}, and, since
   * the CPU-only engine sees no GPU, both allocate on the CPU ({@link
   * org.orzspark.stages.TaskDevices}'s fallback rule).
   */
  @Test
  void twoTasksOfOneExecutorGetItsTwoGpus(@TempDir Path home) throws Exception {
    int port = freePort();
    var started =
        start(home, port, freePort(), "--workers", "1", "--cores", "2", "--fake-gpus", "2");
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      var check = gpuCheck(port, 2, "--tasks", "4", "--executors", "1");
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

  private static LauncherProcess.Outcome start(Path home, int port, int webUi, String... shape)
      throws Exception {
    String[] where = {
      "--port", Integer.toString(port), "--webui-port", Integer.toString(webUi), "--home", "" + home
    };
    return LauncherProcess.run(
        Duration.ofMinutes(3), concat(concat(new String[] {"cluster", "start"}, shape), where));
  }

  /**
   * {@code orz cluster check --gpus-per-task 1} on executors holding {@code gpus} fake GPUs and as
   * many cores, one task slot per GPU.
   */
  private static LauncherProcess.Outcome gpuCheck(int port, int gpus, String... options)
      throws Exception {
    Path discovery = org.orzspark.testing.RepoPaths.root().resolve("conf/gpu-discovery.sh");
    String[] submit = {
      "--gpus-per-task",
      "1",
      "--",
      "--master",
      "spark://127.0.0.1:" + port,
      "--conf",
      "spark.executor.resource.gpu.amount=" + gpus,
      "--conf",
      "spark.executor.cores=" + gpus,
      "--conf",
      "spark.executor.resource.gpu.discoveryScript=" + discovery
    };
    return LauncherProcess.run(
        Duration.ofMinutes(3), concat(concat(new String[] {"cluster", "check"}, options), submit));
  }

  private static String[] concat(String[] first, String... second) {
    return java.util.stream.Stream.concat(Arrays.stream(first), Arrays.stream(second))
        .toArray(String[]::new);
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
