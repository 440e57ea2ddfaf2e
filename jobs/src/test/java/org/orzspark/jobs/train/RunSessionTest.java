package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.orzspark.run.RunLayout;

/**
 * {@link RunSession#eventLogConf}: the user's spark.eventLog.* settings win over the run's
 * defaults.
 */
class RunSessionTest {
  private static final RunLayout RUN = RunLayout.of("/tmp/runs/r1");

  @Test
  void defaultsToTheRunsEventsFolder() {
    assertThat(RunSession.eventLogConf(new SparkConf(false), RUN))
        .isEqualTo(
            Map.of(
                "spark.eventLog.enabled", "true",
                "spark.eventLog.dir", "file:/tmp/runs/r1/spark-events"));
  }

  @Test
  void aRunOnHdfsLogsIntoItsOwnFolderThere() {
    assertThat(
            RunSession.eventLogConf(new SparkConf(false), RunLayout.of("hdfs://nn:8020/runs/r1")))
        .containsEntry("spark.eventLog.dir", "hdfs://nn:8020/runs/r1/spark-events");
  }

  @Test
  void theUsersFolderWins() {
    SparkConf given = new SparkConf(false).set("spark.eventLog.dir", "hdfs:///site/events");
    assertThat(RunSession.eventLogConf(given, RUN))
        .isEqualTo(Map.of("spark.eventLog.enabled", "true"));
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
        .isEqualTo(Map.of("spark.eventLog.dir", "file:/tmp/runs/r1/spark-events"));
  }
}
