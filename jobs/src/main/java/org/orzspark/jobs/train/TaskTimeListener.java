package org.orzspark.jobs.train;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.orzspark.stages.ComputeClock;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Sums, per Spark job group (an iteration stage: {@code iteration-7-rollout}), the tasks' run time
 * on executors and the model compute time they reported through {@link ComputeClock}.
 */
final class TaskTimeListener extends SparkListener {
  /** One group's totals. */
  record GroupTime(long tasks, double runSeconds, double computeSeconds) {
    GroupTime plus(GroupTime o) {
      return new GroupTime(
          tasks + o.tasks, runSeconds + o.runSeconds, computeSeconds + o.computeSeconds);
    }
  }

  private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
  private final Map<String, GroupTime> byGroup = new ConcurrentHashMap<>();

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    Properties properties = jobStart.properties();
    String group = properties == null ? null : properties.getProperty("spark.jobGroup.id");
    if (group != null) {
      for (Object stage : CollectionConverters.asJava(jobStart.stageIds())) {
        groupOfStage.put((Integer) stage, group);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    String group = groupOfStage.get(taskEnd.stageId());
    if (group == null || taskEnd.taskMetrics() == null) {
      return;
    }
    long computeNanos = 0;
    for (AccumulableInfo info : CollectionConverters.asJava(taskEnd.taskInfo().accumulables())) {
      if (info.name().isDefined()
          && ComputeClock.NAME.equals(info.name().get())
          && info.update().isDefined()) {
        computeNanos += ((Number) info.update().get()).longValue();
      }
    }
    GroupTime task =
        new GroupTime(1, taskEnd.taskMetrics().executorRunTime() / 1e3, computeNanos / 1e9);
    byGroup.merge(group, task, GroupTime::plus);
  }

  /** The totals so far, by job group. */
  Map<String, GroupTime> byGroup() {
    return new TreeMap<>(byGroup);
  }
}
