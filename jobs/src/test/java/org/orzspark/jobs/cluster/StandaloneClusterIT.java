package org.orzspark.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.LauncherProcess;

/**
 * {@code orz cluster start --workers 2}, a job whose tasks run in two executor processes,
 * {@code orz cluster stop}, and no process left behind — all through the launcher.
 */
class StandaloneClusterIT {

  @Test
  void startRunStopLeavesNothingBehind(@TempDir Path home) throws Exception {
    int port = freePort();
    int webUi = freePort();
    String[] where = {"--home", home.toString()};
    var started = LauncherProcess.run(Duration.ofMinutes(3), "cluster", "start", "--workers",
        "2", "--port", Integer.toString(port), "--webui-port", Integer.toString(webUi),
        "--home", home.toString());
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      assertThat(started.output()).contains("spark://127.0.0.1:" + port);

      var status = LauncherProcess.run(Duration.ofMinutes(1), "cluster", "status", where[0], where[1]);
      assertThat(status.exitCode()).as(status.output()).isZero();
      assertThat(status.output()).contains("2 worker(s) registered");

      var check = LauncherProcess.run(Duration.ofMinutes(3), "cluster", "check", "--tasks", "8",
          "--", "--master", "spark://127.0.0.1:" + port);
      assertThat(check.exitCode()).as(check.output()).isZero();
      assertThat(check.output()).containsPattern("8 tasks ran in 2 executor process\\(es\\)");
    } finally {
      var stopped = LauncherProcess.run(Duration.ofMinutes(1), "cluster", "stop", where[0], where[1]);
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
