package org.orzspark.jobs.train;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.orzspark.stages.ComputeClock;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Sums, per Spark job group (an iteration stage: {@code iteration-7-rollout}), the tasks' run time
 * on executors, the slot time they held and the model compute time they reported through {@link
 * ComputeClock}; and records when each Spark stage of those groups ran.
 */
final class TaskTimeListener extends SparkListener {
  /**
   * One group's totals.
   *
   * @param tasks tasks ended
   * @param runSeconds executor run time (Spark's {@code executorRunTime}: without deserialising the
   *     task and sending its result)
   * @param slotSeconds time the tasks held a slot, launch to finish as the scheduler saw it
   * @param computeSeconds model compute the tasks reported
   */
  record GroupTime(long tasks, double runSeconds, double slotSeconds, double computeSeconds) {
    static final GroupTime NONE = new GroupTime(0, 0, 0, 0);

    GroupTime plus(GroupTime o) {
      return new GroupTime(
          tasks + o.tasks,
          runSeconds + o.runSeconds,
          slotSeconds + o.slotSeconds,
          computeSeconds + o.computeSeconds);
    }
  }

  private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
  private final Map<String, GroupTime> byGroup = new ConcurrentHashMap<>();
  private final List<IterationBreakdown.Span> stageSpans = new CopyOnWriteArrayList<>();

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
        new GroupTime(
            1,
            taskEnd.taskMetrics().executorRunTime() / 1e3,
            taskEnd.taskInfo().duration() / 1e3,
            computeNanos / 1e9);
    byGroup.merge(group, task, GroupTime::plus);
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted stageCompleted) {
    StageInfo stage = stageCompleted.stageInfo();
    if (groupOfStage.containsKey(stage.stageId())
        && stage.submissionTime().isDefined()
        && stage.completionTime().isDefined()) {
      stageSpans.add(
          new IterationBreakdown.Span(
              (Long) stage.submissionTime().get(), (Long) stage.completionTime().get()));
    }
  }

  /** Seconds in which at least one stage of a job group was running. */
  double stageSpanSeconds() {
    return IterationBreakdown.unionSeconds(stageSpans);
  }

  /** The totals so far, by job group. */
  Map<String, GroupTime> byGroup() {
    return new TreeMap<>(byGroup);
  }
}
