package org.orzspark.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.jobs.OrzCli;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;

/**
 * The driver of {@code orz iterate} killed dead ({@link FaultPoints}: {@code Runtime.halt}, no
 * shutdown hook, as SIGKILL) inside every stage and at every commit boundary of iteration 1, in
 * turn: each {@code orz iterate} (a JVM of its own) starts from what the previous kill left, so it
 * must clean up and resume that before it reaches the next point, where it is killed too. After
 * every kill nothing marked complete is damaged (stage outputs and checkpoints); after the last, a
 * plain {@code orz iterate} must end with the rows, checkpoint and metrics of the undisturbed
 * reference run and nothing left over. In local mode the executors are the driver's threads, so a
 * point inside a task (rollout, experience, update) kills the driver mid-stage.
 */
@Tag("faults")
class DriverKillSweepTest {
  /**
   * The points of iteration 1 in the order an iteration reaches them: inside each stage, and each
   * kind of commit boundary (a stage output renamed or not, marked or not; the checkpoint renamed
   * or not, marked or not; the checkpoint committed and the metrics not; the metrics line written,
   * the folder not marked). {@link FaultPoints} names more (the boundaries of every stage output);
   * they run the same code as the ones here.
   */
  static final List<String> POINTS =
      List.of(
          "sample",
          "output.before-marker:_prompts",
          "rollout",
          "score",
          "output.before-rename:rollouts",
          "output.before-marker:rollouts",
          "experience",
          "update",
          "checkpoint.before-rename",
          "checkpoint.before-marker",
          "update.after-checkpoint",
          "output.before-marker:metrics",
          "metrics.after-jsonl");

  @Test
  void aRunKilledAtEveryPointInTurnEndsAsTheUndisturbedRun() throws Exception {
    FaultRuns runs = FaultRuns.get();
    Path run = FaultRuns.copy(runs.fresh, FaultRuns.scratch("kill").resolve("run"));
    RunLayout layout = new RunLayout(run);
    Configuration conf = runs.spark.sparkContext().hadoopConfiguration();
    CheckpointStore checkpoints = new CheckpointStore(LocalRuns.store(layout));
    for (String point : POINTS) {
      ChildJvm.Outcome killed =
          ChildJvm.orz(
              Map.of(FaultPoints.PROPERTY, point),
              Duration.ofMinutes(3),
              "iterate",
              "--run-dir",
              run.toString());
      assertThat(killed.status())
          .as(point + ":\n" + killed.output())
          .isEqualTo(FaultPoints.HALT_STATUS);
      assertThat(killed.output()).contains("fault point " + point + " reached");
      for (org.apache.hadoop.fs.Path output :
          List.of(
              layout.sampledPrompts(1),
              layout.generated(1),
              layout.rollouts(1),
              layout.experience(1),
              layout.metrics(1))) {
        AtomicOutput.Check check = AtomicOutput.check(conf, output.toString());
        assertThat(!check.marked() || check.complete() && check.verified())
            .as("after a kill at %s, %s is absent, unmarked or complete", point, output)
            .isTrue();
      }
      for (CheckpointStore.Folder folder : checkpoints.folders()) {
        assertThat(!folder.marked() || checkpoints.verify(folder.iteration()).complete())
            .as(
                "after a kill at %s, checkpoint %d is unmarked or intact",
                point, folder.iteration())
            .isTrue();
      }
    }

    OrzCli.Outcome resumed = OrzCli.execute("iterate", "--run-dir", run.toString());
    assertThat(resumed.status()).as(resumed.err()).isZero();
    long rows = runs.assertSameAsReference(run);
    FaultLedger.survived(
        POINTS.size() + " driver kills in turn (" + String.join(", ", POINTS) + ")", rows);
  }
}
