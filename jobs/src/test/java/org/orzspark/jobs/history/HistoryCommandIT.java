package org.orzspark.jobs.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.testing.RepoPaths;

/**
 * {@code orz history} as a user runs it, over a run's (empty) event-log folder: {@code --detach}
 * starts a server on 127.0.0.1 whose REST API answers, a second start names the running one, {@code
 * --stop} stops exactly it; in the foreground, a signal to {@code orz history} (Ctrl-C) stops its
 * server too. A run without event logs is the caller's mistake (exit 2). The applications of a real
 * run: {@code HistoryServerIT} (slow).
 */
class HistoryCommandIT {
  private static final Pattern URL =
      Pattern.compile("http://127\\.0\\.0\\.1:(\\d+) \\(pid (\\d+)\\)");

  @Test
  void startsAnswersAndStops(@TempDir Path run) throws Exception {
    var missing =
        LauncherProcess.run(Duration.ofMinutes(1), "history", "--run-dir", run.toString());
    assertThat(missing.exitCode()).as(missing.output()).isEqualTo(2);
    assertThat(missing.output())
        .contains("orz history: no event logs in " + run.resolve("spark-events"));

    Files.createDirectories(run.resolve("spark-events"));
    var started =
        ok(
            LauncherProcess.run(
                Duration.ofMinutes(2), "history", "--run-dir", run.toString(), "--detach"));
    Matcher url = URL.matcher(started.output());
    assertThat(url.find()).as(started.output()).isTrue();
    int port = Integer.parseInt(url.group(1));
    long pid = Long.parseLong(url.group(2));
    LauncherProcess.Outcome stopped;
    try {
      assertThat(HistoryServerProcess.applications(port).trim()).isEqualTo("[ ]");
      var again =
          ok(LauncherProcess.run(Duration.ofMinutes(1), "history", "--run-dir", run.toString()));
      assertThat(again.output())
          .contains("already running at http://127.0.0.1:" + port + " (pid " + pid + ")");
    } finally {
      stopped =
          ok(
              LauncherProcess.run(
                  Duration.ofMinutes(1), "history", "--run-dir", run.toString(), "--stop"));
    }
    assertThat(stopped.output()).contains("stopped the History Server (pid " + pid + ")");
    assertThat(alive(pid)).isFalse();
    assertThatThrownBy(() -> HistoryServerProcess.applications(port))
        .isInstanceOf(IOException.class);
    assertThat(
            ok(LauncherProcess.run(
                    Duration.ofMinutes(1), "history", "--run-dir", run.toString(), "--stop"))
                .output())
        .contains("no History Server running");

    Process foreground =
        new ProcessBuilder(
                RepoPaths.root().resolve("jobs/bin/orz").toString(),
                "history",
                "--run-dir",
                run.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(foreground.getInputStream(), StandardCharsets.UTF_8));
      Matcher served = null;
      for (String line; served == null && (line = out.readLine()) != null; ) {
        Matcher m = URL.matcher(line);
        served = m.find() ? m : null;
      }
      assertThat(served).as("orz history printed its URL").isNotNull();
      long serverPid = Long.parseLong(served.group(2));
      assertThat(alive(serverPid)).isTrue();
      foreground.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hooks run
      assertThat(foreground.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(alive(serverPid)).as("the server stops with orz history").isFalse();
    } finally {
      foreground.destroyForcibly();
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static LauncherProcess.Outcome ok(LauncherProcess.Outcome outcome) {
    assertThat(outcome.exitCode()).as(outcome.output()).isZero();
    return outcome;
  }
}
