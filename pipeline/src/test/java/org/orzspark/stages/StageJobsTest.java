package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.SharedSpark;

/**
 * The small stages' fixed cost, in Spark jobs: each job pays scheduling and code generation, which
 * at demo size is most of what these stages cost.
 */
class StageJobsTest {

  @Test
  void sampleAndScoreRunOneSparkJobAndMetricsTwo(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.session();
    Path root = MicroRuns.run(spark, dir, 12, Map.of());
    Map<String, Integer> before = jobsByStage(spark.sparkContext());

    Iteration.run(spark, root.toString(), 1, new PrintStream(new ByteArrayOutputStream()));

    Map<String, Integer> ran = jobsByStage(spark.sparkContext());
    before.forEach((stage, jobs) -> ran.merge(stage, -jobs, Integer::sum));
    // sample: the write of the drawn rows; score: the scored write; metrics: the aggregation
    // (one partition, no shuffle) and the metrics row's write.
    assertThat(ran)
        .containsEntry("sample", 1)
        .containsEntry("score", 1)
        .containsEntry("metrics", 2);
  }

  /** The Spark jobs run so far by the stages of iteration 1 (of any run of this JVM), by stage. */
  private static Map<String, Integer> jobsByStage(SparkContext sc) throws Exception {
    sc.listenerBus().waitUntilEmpty();
    Map<String, Integer> jobs = new TreeMap<>();
    for (String stage : new String[] {"sample", "score", "metrics"}) {
      jobs.put(
          stage,
          Arrays.stream(sc.statusTracker().getJobIdsForGroup("iteration-1-" + stage))
              .map(id -> 1)
              .sum());
    }
    return jobs;
  }
}
