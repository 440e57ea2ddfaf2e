package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.stages.MicroRuns;

/**
 * Spark's own observability of a run, through the launcher as a user runs it: {@code orz train} of
 * two iterations logs each as its own application {@code orz iterate <run> #N} into {@code
 * R/spark-events}; {@code orz history} serves them on 127.0.0.1, its REST API lists both with jobs
 * described "iteration N: stage"; {@code --stop} stops the server. A user's {@code
 * spark.eventLog.dir} wins (init's log goes there, not to the run). Tagged slow: five Spark
 * applications, 2.5 to 3.5 minutes on 2 busy cores ({@link HistoryCommandIT} covers starting and
 * stopping the server in the default build).
 */
@Tag("slow")
class HistoryServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern URL =
      Pattern.compile("http://127\\.0\\.0\\.1:(\\d+) \\(pid (\\d+)\\)");

  @Test
  void historyServerShowsEachIterationAsItsOwnApplication(@TempDir Path dir) throws Exception {
    Path base = MicroRuns.base(dir.resolve("base"));
    Path prompts = dir.resolve("prompts");
    Path run = dir.resolve("run");
    Path siteEvents = Files.createDirectories(dir.resolve("site-events"));
    ok(
        LauncherProcess.run(
            Duration.ofMinutes(3),
            "synth",
            "--families",
            "arithmetic,comparison",
            "--difficulty",
            "1-2",
            "--count",
            "24",
            "--output",
            prompts.toString()));
    ok(
        LauncherProcess.run(
            Duration.ofMinutes(3),
            "init",
            "--run-dir",
            run.toString(),
            "--base",
            base.toString(),
            "--prompts",
            prompts.toString(),
            "--set",
            "data.prompts_per_iteration=2",
            "--set",
            "rollout.samples_per_prompt=2",
            "--set",
            "rollout.max_response_tokens=4",
            "--set",
            "data.max_prompt_tokens=4096",
            "--set",
            "ppo.critic_minibatches=1",
            "--set",
            "optim.warmup_steps=1",
            "--conf",
            "spark.eventLog.dir=" + siteEvents.toUri()));
    assertThat(eventLogs(siteEvents)).as("the user's spark.eventLog.dir wins").hasSize(1);
    assertThat(run.resolve("spark-events")).doesNotExist();

    ok(
        LauncherProcess.run(
            Duration.ofMinutes(6), "train", "--run-dir", run.toString(), "--iterations", "2"));
    assertThat(eventLogs(run.resolve("spark-events"))).hasSize(2);

    var started =
        ok(
            LauncherProcess.run(
                Duration.ofMinutes(2), "history", "--run-dir", run.toString(), "--detach"));
    Matcher url = URL.matcher(started.output());
    assertThat(url.find()).as(started.output()).isTrue();
    int port = Integer.parseInt(url.group(1));
    long pid = Long.parseLong(url.group(2));
    LauncherProcess.Outcome stopped = null;
    try {
      JsonNode applications = applications(port, 2);
      List<String> names = new ArrayList<>();
      applications.forEach(app -> names.add(app.path("name").asText()));
      assertThat(names).containsExactlyInAnyOrder("orz iterate run #1", "orz iterate run #2");
      for (JsonNode app : applications) {
        int iteration = app.path("name").asText().endsWith("#1") ? 1 : 2;
        JsonNode jobs = get(port, "/api/v1/applications/" + app.path("id").asText() + "/jobs");
        List<String> descriptions = new ArrayList<>();
        jobs.forEach(job -> descriptions.add(job.path("description").asText()));
        assertThat(descriptions)
            .as(app.toString())
            .contains(
                "iteration " + iteration + ": rollout",
                "iteration " + iteration + ": score",
                "iteration " + iteration + ": experience",
                "iteration " + iteration + ": update")
            .noneMatch(d -> d.startsWith("iteration " + (3 - iteration) + ":"));
      }
    } finally {
      stopped =
          LauncherProcess.run(
              Duration.ofMinutes(1), "history", "--run-dir", run.toString(), "--stop");
    }
    assertThat(stopped.output()).contains("stopped the History Server (pid " + pid + ")");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThatThrownBy(() -> get(port, "/api/v1/applications")).isInstanceOf(IOException.class);
  }

  /** The applications once the server has read {@code expected} event logs (it scans every 2 s). */
  private static JsonNode applications(int port, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode applications = get(port, "/api/v1/applications");
      if (applications.size() >= expected || System.nanoTime() > deadline) {
        return applications;
      }
      Thread.sleep(500);
    }
  }

  private static JsonNode get(int port, String path) throws IOException {
    return JSON.readTree(URI.create("http://127.0.0.1:" + port + path).toURL());
  }

  private static List<Path> eventLogs(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
    }
  }

  private static LauncherProcess.Outcome ok(LauncherProcess.Outcome outcome) {
    assertThat(outcome.exitCode()).as(outcome.output()).isZero();
    return outcome;
  }
}
