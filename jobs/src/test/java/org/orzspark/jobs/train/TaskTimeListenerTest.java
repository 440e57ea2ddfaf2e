package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.SharedSpark;
import org.orzspark.timing.Stopwatch;

class TaskTimeListenerTest {

  @Test
  void stagesSpanTheirTasksButNotTheDriversPauseAndALoneTaskLeavesASlotIdle() throws Exception {
    SparkContext sc = SharedSpark.session().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    TaskTimeListener listener = new TaskTimeListener();
    sc.addSparkListener(listener);
    Stopwatch clock = Stopwatch.start();
    try {
      sc.setJobGroup("listener-test", "two stages with a driver pause between", false);
      sleepingTasks(jsc, 2, 200); // one task on each of the 2 slots
      Thread.sleep(500); // the driver alone: no stage runs
      sleepingTasks(jsc, 1, 400); // one task: the other slot idles for the whole stage
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(listener);
      sc.clearJobGroup();
    }
    double wall = clock.seconds();

    TaskTimeListener.GroupTime tasks = listener.byGroup().get("listener-test");
    assertThat(tasks.tasks()).isEqualTo(3);
    assertThat(tasks.runSeconds()).isGreaterThanOrEqualTo(0.8);
    assertThat(tasks.slotSeconds()).isGreaterThanOrEqualTo(tasks.runSeconds());
    double span = listener.stageSpanSeconds();
    // the stages hold their tasks (0.2 + 0.4 s at least) and leave out the driver's 0.5 s pause
    assertThat(span).isGreaterThanOrEqualTo(0.6).isLessThanOrEqualTo(wall - 0.5);
    IterationBreakdown b = new IterationBreakdown(0, wall, 2, span, tasks.slotSeconds(), 0);
    // the second stage ran at least 0.4 s on 2 slots with one task in it
    assertThat(b.idleSlotSeconds()).isGreaterThanOrEqualTo(0.4 - 1e-9);
    assertThat(b.driverGapSeconds()).isGreaterThanOrEqualTo(0.5);
  }

  private static void sleepingTasks(JavaSparkContext jsc, int tasks, long millis) {
    jsc.parallelize(List.of(1, 2, 3, 4).subList(0, tasks), tasks)
        .foreach(task -> Thread.sleep(millis));
  }
}
