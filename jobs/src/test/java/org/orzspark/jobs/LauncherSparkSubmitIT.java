package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.RepoPaths;

/**
 * The launcher takes spark-submit's options as spark-submit does: anywhere on the line, layered
 * over the project's conf file and the site's spark-defaults.conf, without undoing DJL's offline
 * mode. One local-mode Spark run; {@link LauncherClassSharingIT} runs the launcher from checkouts
 * whose paths have spaces.
 */
class LauncherSparkSubmitIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  /**
   * spark-submit options before and after {@code --}; the application's event log shows the
   * effective Spark properties and the driver's system properties.
   */
  @Test
  void sparkSubmitOptionsAnywhereLayerOverSiteDefaultsAndKeepDjlOffline(@TempDir Path tmp)
      throws Exception {
    Path site = Files.createDirectories(tmp.resolve("spark-home/conf"));
    Files.writeString(
        site.resolve("spark-defaults.conf"),
        """
        spark.orz.site                 from-site
        # overrides conf/spark-local.conf (8)
        spark.sql.shuffle.partitions   3
        spark.orz.both = from-site
        """);
    Path events = Files.createDirectories(tmp.resolve("events"));
    Path output = tmp.resolve("synth");

    var run =
        LauncherProcess.run(
            RepoPaths.root(),
            Map.of("SPARK_HOME", site.getParent().toString()),
            TIMEOUT,
            "synth",
            "--master",
            "local[1]",
            "--count",
            "5",
            "--conf",
            "spark.orz.both=from-user",
            "--output",
            output.toString(),
            "--conf=spark.eventLog.enabled=true",
            "--conf",
            "spark.eventLog.dir=" + events.toUri(),
            "--conf",
            "spark.eventLog.compress=false",
            "--conf",
            "spark.driver.extraJavaOptions=-Dorz.test.user=yes",
            "--",
            "--conf",
            "spark.executor.extraJavaOptions=-Dai.djl.offline=false");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(output.resolve("_SUCCESS")).exists();
    JsonNode environment = environmentUpdate(events);
    JsonNode spark = environment.path("Spark Properties");
    assertThat(spark.path("spark.master").asText()).isEqualTo("local[1]");
    assertThat(spark.path("spark.orz.site").asText())
        .as("site spark-defaults.conf read")
        .isEqualTo("from-site");
    assertThat(spark.path("spark.sql.shuffle.partitions").asText())
        .as("site defaults over the project's conf file")
        .isEqualTo("3");
    assertThat(spark.path("spark.ui.enabled").asText())
        .as("the project's conf file")
        .isEqualTo("false");
    assertThat(spark.path("spark.orz.both").asText())
        .as("--conf over site defaults")
        .isEqualTo("from-user");
    assertThat(spark.path("spark.executorEnv.DJL_OFFLINE").asText())
        .as("executors stay offline: DJL reads DJL_OFFLINE before -Dai.djl.offline")
        .isEqualTo("true");
    JsonNode system = environment.path("System Properties");
    assertThat(system.path("orz.test.user").asText())
        .as("the user's driver Java options apply")
        .isEqualTo("yes");
    assertThat(system.path("ai.djl.offline").asText())
        .as("DJL stays offline on the driver")
        .isEqualTo("true");
    assertThat(run.output()).doesNotContain("Unknown option");
  }

  private static JsonNode environmentUpdate(Path events) throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.walk(events)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("events_")).toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode event = json.readTree(line);
          if (event.path("Event").asText().equals("SparkListenerEnvironmentUpdate")) {
            return event;
          }
        }
      }
    }
    throw new AssertionError("no environment update in the event log under " + events);
  }
}
