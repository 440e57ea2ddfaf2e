package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** {@link RunSession#eventLogConf}: the user's spark.eventLog.* settings win over the run's defaults. */
class RunSessionTest {
  private static final Path RUN = Path.of("/tmp/runs/r1");

  @Test
  void defaultsToTheRunsEventsFolder() {
    assertThat(RunSession.eventLogConf(new SparkConf(false), RUN)).isEqualTo(Map.of(
        "spark.eventLog.enabled", "true",
        "spark.eventLog.dir", "file:///tmp/runs/r1/spark-events"));
  }

  @Test
  void theUsersFolderWins() {
    SparkConf given = new SparkConf(false).set("spark.eventLog.dir", "hdfs:///site/events");
    assertThat(RunSession.eventLogConf(given, RUN)).isEqualTo(Map.of("spark.eventLog.enabled", "true"));
  }

  @Test
  void theUserMayTurnItOff() {
    SparkConf given = new SparkConf(false).set("spark.eventLog.enabled", "false");
    assertThat(RunSession.eventLogConf(given, RUN)).isEmpty();
  }

  @Test
  void anExplicitlyEnabledLogStillGetsTheRunsFolder() {
    SparkConf given = new SparkConf(false).set("spark.eventLog.enabled", "true");
    assertThat(RunSession.eventLogConf(given, RUN))
        .isEqualTo(Map.of("spark.eventLog.dir", "file:///tmp/runs/r1/spark-events"));
  }
}
