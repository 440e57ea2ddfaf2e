package org.orzspark.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.jobs.OrzCli;

/**
 * The driver of {@code orz iterate} killed dead ({@link FaultPoints}: {@code Runtime.halt}, no
 * shutdown hook, as SIGKILL) inside every stage and at every commit boundary of iteration 1; then
 * {@code orz iterate} again. Each kill starts from a copy of the same freshly initialised run, and
 * the rerun must end with the rows, checkpoint and metrics of the undisturbed reference run and
 * nothing left over. In local mode the executors are the driver's threads, so a point inside a
 * task (rollout, experience, update) kills the driver mid-stage.
 */
@Tag("faults")
class DriverKillSweepTest {

  @ParameterizedTest(name = "killed at {0}")
  @ValueSource(strings = {
      "sample",
      "output.before-rename:_prompts",
      "output.before-marker:_prompts",
      "rollout",
      "output.before-marker:_generated",
      "score",
      "output.before-rename:rollouts",
      "output.before-marker:rollouts",
      "experience",
      "output.before-marker:experience",
      "update",
      "checkpoint.before-rename",
      "update.after-checkpoint",
      "output.before-marker:metrics",
      "metrics.before-jsonl",
  })
  void aKilledIterateResumesToTheUndisturbedRun(String point) throws Exception {
    FaultRuns runs = FaultRuns.get();
    Path run = FaultRuns.copy(runs.fresh, FaultRuns.scratch("kill").resolve("run"));

    ChildJvm.Outcome killed = ChildJvm.orz(Map.of(FaultPoints.PROPERTY, point),
        Duration.ofMinutes(3), "iterate", "--run-dir", run.toString());
    assertThat(killed.status()).as(killed.output()).isEqualTo(FaultPoints.HALT_STATUS);
    assertThat(killed.output()).contains("fault point " + point + " reached");

    OrzCli.Outcome resumed = OrzCli.execute("iterate", "--run-dir", run.toString());
    assertThat(resumed.status()).as(resumed.err()).isZero();
    FaultLedger.survived("driver killed at " + point, runs.assertSameAsReference(run));
  }
}
