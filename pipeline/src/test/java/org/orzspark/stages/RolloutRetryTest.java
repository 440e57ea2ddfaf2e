package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.run.SampledPromptTable.SampledPrompt;
import org.orzspark.testing.SharedSpark;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark retries a rollout task whose attempt was killed mid-generation (Spark's own "kill and
 * reschedule"): the retried attempts must produce exactly the rows of an undisturbed run.
 */
class RolloutRetryTest {
  private static final String GROUP = "rollout-retry-test";

  @Test
  void killedRolloutAttemptsAreRetriedWithIdenticalRows(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.session();
    Path base = MicroRuns.base(dir.resolve("base"));
    List<SampledPrompt> prompts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      prompts.add(
          new SampledPrompt(
              i, "p" + i, "What is " + i + " + " + (i + 2) + "?", Integer.toString(2 * i + 2)));
    }
    List<RolloutStage.WorkUnit> units = RolloutStage.plan(prompts, 6, 2);
    RolloutStage.TaskSettings settings =
        new RolloutStage.TaskSettings(
            base.toString(),
            99,
            new RolloutSettings.Sampling(
                org.orzspark.datasets.PromptTemplate.Variant.PAPER, 96, 1.0, 1.0, 0, 64));

    List<String> undisturbed = generate(spark, units, settings);
    KillFirstAttempts killer = new KillFirstAttempts(spark.sparkContext());
    spark.sparkContext().addSparkListener(killer);
    List<String> retried;
    try {
      spark.sparkContext().setJobGroup(GROUP, "rollout with killed attempts", true);
      retried = generate(spark, units, settings);
    } finally {
      spark.sparkContext().clearJobGroup();
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(killer);
    }

    assertThat(killer.killedAttempts).as("attempts killed while generating").isNotEmpty();
    assertThat(retried).hasSize(4 * 6).isEqualTo(undisturbed);
  }

  private static List<String> generate(
      SparkSession spark, List<RolloutStage.WorkUnit> units, RolloutStage.TaskSettings settings) {
    try (StageProgress progress =
        new StageProgress(
            spark.sparkContext(),
            "retry test",
            StageProgress.Counting.GENERATION,
            units.size(),
            new PrintStream(OutputStream.nullOutputStream()))) {
      return RolloutStage.generate(spark, units, 2, settings, 0, progress).collectAsList().stream()
          .sorted(Comparator.comparing((Row r) -> r.getString(0)).thenComparing(r -> r.getInt(1)))
          .map(Row::toString)
          .toList();
    }
  }

  /** Kills the first attempt of every task of the test's job group as soon as it starts. */
  private static final class KillFirstAttempts extends SparkListener {
    private final SparkContext sc;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    final Set<Long> killedAttempts = ConcurrentHashMap.newKeySet();

    KillFirstAttempts(SparkContext sc) {
      this.sc = sc;
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      if (GROUP.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
        CollectionConverters.asJava(jobStart.stageIds()).forEach(s -> stages.add((Integer) s));
      }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      if (stages.contains(start.stageId()) && start.taskInfo().attemptNumber() == 0) {
        sc.killTaskAttempt(start.taskInfo().taskId(), true, "test: kill and reschedule");
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (stages.contains(end.stageId()) && end.reason() instanceof TaskKilled) {
        killedAttempts.add(end.taskInfo().taskId());
      }
    }
  }
}
