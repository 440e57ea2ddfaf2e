package org.orzspark.jobs.curate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.synth.PlantedDuplicates;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.jobs.OrzCli;
import org.orzspark.testing.SharedSpark;

/**
 * {@code orz curate dedup} through the launcher on a loopback standalone cluster with two workers
 * (one executor each): the same counts as a local-mode run of the same input in the test's own
 * session, and every row accounted for.
 */
@Tag("cluster")
class CurateDedupClusterIT {

  @Test
  void dedupOnTwoExecutorsMatchesLocalMode(@TempDir Path work) throws Exception {
    Path home = Files.createDirectories(work.resolve("cluster"));
    String input = work.resolve("prompts").toString();
    PromptSchema.toDataFrame(
            SharedSpark.session(), PlantedDuplicates.generate(400, 0.25, 9).prompts())
        .repartition(4)
        .write()
        .parquet(input);
    int port = freePort();
    String[] where = {"--home", home.toString()};
    var started =
        LauncherProcess.run(
            Duration.ofMinutes(3),
            "cluster",
            "start",
            "--workers",
            "2",
            "--port",
            Integer.toString(port),
            "--webui-port",
            Integer.toString(freePort()),
            where[0],
            where[1]);
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      var onCluster =
          LauncherProcess.run(
              Duration.ofMinutes(6),
              "curate",
              "dedup",
              "--input",
              input,
              "--output",
              work.resolve("on-cluster").toString(),
              "--",
              "--master",
              "spark://127.0.0.1:" + port);
      assertThat(onCluster.exitCode()).as(onCluster.output()).isZero();
      // The local reference runs in this JVM's session, which has its own partitioning: the
      // counts must not depend on it either.
      var local =
          OrzCli.execute(
              "curate", "dedup", "--input", input, "--output", work.resolve("local").toString());
      assertThat(local.status()).as(local.err()).isZero();
      JsonNode clusterCounts = counts(work.resolve("on-cluster"));
      assertThat(clusterCounts).isEqualTo(counts(work.resolve("local")));
      assertThat(clusterCounts.get("rows_in").asLong()).isEqualTo(400);
      assertThat(
              clusterCounts.get("kept").asLong()
                  + clusterCounts.get("removed_exact").asLong()
                  + clusterCounts.get("removed_minhash").asLong())
          .isEqualTo(400);
      assertThat(clusterCounts.get("removed_minhash").asLong()).isPositive();
      assertThat(Files.exists(work.resolve("on-cluster/_SUCCESS"))).isTrue();
      assertThat(onCluster.output()).contains("dedup: rows in 400").contains("on 2 executor(s)");
    } finally {
      var stopped =
          LauncherProcess.run(Duration.ofMinutes(1), "cluster", "stop", where[0], where[1]);
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    }
  }

  private static JsonNode counts(Path output) throws IOException {
    return JsonMapper.builder()
        .build()
        .readTree(output.resolve("_summary.json").toFile())
        .get("counts");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
