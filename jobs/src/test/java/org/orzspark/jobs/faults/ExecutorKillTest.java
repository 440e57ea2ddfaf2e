package org.orzspark.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.orzspark.jobs.LauncherProcess.SHORT_LIVED_JVM;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.jobs.cluster.StandaloneCluster;
import org.orzspark.stages.MicroRuns;
import org.orzspark.stages.RunInitializer;
import org.orzspark.testing.RepoPaths;
import org.orzspark.testing.SharedSpark;

/**
 * An executor JVM killed dead (as SIGKILL: {@link FaultPoints} halts it, no shutdown hook) on a
 * loopback standalone cluster of two workers, once inside the rollout (Spark retries the task on a
 * live executor) and once inside the update (a barrier stage: Spark retries all of it, once the
 * master has started a new executor in place of the dead one). Each faulted {@code orz iterate}
 * must end with the rollout and experience rows, checkpoint files and parameter digests of an
 * undisturbed local-mode run (two task slots, as the cluster's two executors) from the same
 * initialised run, and nothing left over. The fault reaches only executors ({@code
 * spark.executorEnv}) and only the first of them to get there (a marker file it creates with its
 * pid), so the retry passes the point.
 */
@Tag("faults")
@Tag("cluster")
class ExecutorKillTest {
  /** A smaller run than the other fault tests': 2 prompts × 2 samples, 4-token responses. */
  private static final Map<String, String> TINY =
      Map.of(
          "data.prompts_per_iteration", "2",
          "rollout.samples_per_prompt", "2",
          "rollout.max_response_tokens", "4");

  /**
   * The driver's Spark properties for the cluster's executors: one core each, the short-lived-JVM
   * options (results do not change), two slots whether or not both executors have registered yet
   * (the same plan in every run), and every executor waited for.
   */
  private static final Map<String, String> EXECUTORS =
      Map.of(
          "spark.executor.extraJavaOptions",
          "-Dai.djl.offline=true " + SHORT_LIVED_JVM,
          "spark.executor.memory",
          "768m",
          "spark.executor.cores",
          "1",
          "spark.executorEnv.OMP_NUM_THREADS",
          "1",
          "spark.default.parallelism",
          "2",
          "spark.scheduler.minRegisteredResourcesRatio",
          "1.0",
          "spark.scheduler.maxRegisteredResourcesWaitingTime",
          "60s");

  private static final Duration ITERATE_TIMEOUT = Duration.ofMinutes(5);

  @Test
  void anExecutorKilledMidRolloutOrMidUpdateChangesNoRowAndNoWeight(@TempDir Path dir)
      throws Exception {
    SparkSession spark = SharedSpark.session();
    Path base = MicroRuns.base(dir.resolve("base"));
    Path prompts = MicroRuns.prompts(spark, dir.resolve("prompts"), 8);
    Path fresh = dir.resolve("fresh");
    RunInitializer.init(spark, fresh.toString(), MicroRuns.config(base, prompts, TINY));
    Path home = dir.resolve("cluster");
    StandaloneCluster cluster = new StandaloneCluster(home);
    StandaloneCluster.State state =
        cluster.start(
            new StandaloneCluster.Spec(
                2, 1, "1g", freePort(), freePort(), 0, LauncherProcess.SHORT_LIVED_JVM_OPTIONS),
            sparkJars(),
            RepoPaths.root().resolve("conf"),
            Duration.ofMinutes(2));
    try {
      // The undisturbed reference runs in this JVM's local session: a run's rows and weights
      // depend on its seed and settings, not on where its tasks run.
      FaultRuns.Snapshot expected = FaultRuns.undisturbed(spark, fresh, dir.resolve("reference"));
      for (String point : List.of("rollout", "update")) {
        Path marker = dir.resolve(point + ".killed");
        Path run = FaultRuns.copy(fresh, dir.resolve(point));
        iterate(
            state,
            run,
            Map.of(
                "spark.executorEnv." + FaultPoints.ENV,
                point,
                "spark.executorEnv." + FaultPoints.ONCE_ENV,
                marker.toString()));
        assertThat(marker).as("an executor reached " + point).exists();
        long killed = Long.parseLong(Files.readString(marker).trim());
        assertThat(ProcessHandle.of(killed).filter(ProcessHandle::isAlive))
            .as("executor " + killed + " killed")
            .isEmpty();
        assertThat(executorLogsSaying(home, "fault point " + point + " reached"))
            .as("the executor's own log says where it was killed")
            .hasSize(1);
        long rows = FaultRuns.assertSame(spark, expected, run);
        FaultLedger.survived(
            "executor JVM killed mid-" + point + " on a 2-worker standalone cluster", rows);
      }
    } finally {
      cluster.stop(Duration.ofSeconds(10));
    }
  }

  /**
   * {@code orz iterate} on the cluster, its driver in a JVM of its own with these extra Spark
   * properties; the executors load the project's classes from the test classpath.
   */
  private static void iterate(StandaloneCluster.State cluster, Path run, Map<String, String> extra)
      throws IOException, InterruptedException {
    Map<String, String> properties = new HashMap<>(EXECUTORS);
    properties.put("spark.master", cluster.masterUrl());
    properties.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    properties.putAll(extra);
    ChildJvm.Outcome outcome =
        ChildJvm.orz(properties, ITERATE_TIMEOUT, "iterate", "--run-dir", run.toString());
    assertThat(outcome.status()).as(outcome.output()).isZero();
  }

  /** The Spark and application jars of the test classpath: the workers' {@code jars/}. */
  private static List<Path> sparkJars() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> entry.endsWith(".jar"))
        .map(Path::of)
        .toList();
  }

  /** The executors' stderr files (work/worker-N/APP/EXECUTOR/stderr) that contain {@code text}. */
  private static List<Path> executorLogsSaying(Path home, String text) throws IOException {
    try (Stream<Path> files = Files.walk(home.resolve("work"))) {
      return files
          .filter(f -> f.getFileName().toString().equals("stderr"))
          .filter(f -> contains(f, text))
          .toList();
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
