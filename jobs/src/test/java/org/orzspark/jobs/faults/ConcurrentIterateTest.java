package org.orzspark.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.orzspark.jobs.OrzCli;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import picocli.CommandLine;

/**
 * Two writers on one run, as two processes: while another process holds the run's lock, {@code orz
 * iterate} is refused at once, in one line naming the holder's pid, and touches nothing; once that
 * process is killed (SIGKILL, its lock left behind), the next {@code orz iterate} takes the dead
 * owner's lock over and completes the iteration as the undisturbed run did.
 */
@Tag("faults")
class ConcurrentIterateTest {

  @Test
  void aSecondIterateIsRefusedNamingTheHolderAndTheDeadHoldersLockIsTakenOver() throws Exception {
    FaultRuns runs = FaultRuns.get();
    Path run = FaultRuns.copy(runs.fresh, FaultRuns.scratch("concurrent").resolve("run"));
    // The run as orz names it in messages: its qualified Hadoop path (file:/...).
    org.apache.hadoop.fs.Path root = new RunLayout(run).root();
    ChildJvm.Running holder = ChildJvm.start(LockHolder.class, Map.of(), run.toString());
    try {
      awaitHeld(holder, run);
      long started = System.nanoTime();
      OrzCli.Outcome refused = OrzCli.execute("iterate", "--run-dir", run.toString());
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(refused.status()).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(refused.err())
          .startsWith("orz iterate: run " + root + " is locked by orz iterate --run-dir " + root)
          .contains("pid " + holder.process().pid())
          .doesNotContain("\tat ")
          .hasLineCount(1);
      assertThat(seconds).as("refused at once").isLessThan(10);
      assertThat(LocalRuns.local(new RunLayout(run).rollouts(1))).doesNotExist();
    } finally {
      holder.process().destroyForcibly();
      holder.process().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(LocalRuns.local(new RunLayout(run).lock()))
        .as("a SIGKILL leaves the lock behind")
        .exists();

    OrzCli.Outcome taken = OrzCli.execute("iterate", "--run-dir", run.toString());
    assertThat(taken.status()).as(taken.err()).isZero();
    FaultLedger.survived(
        "a second iterate while another process holds the run, then that" + " process killed",
        runs.assertSameAsReference(run));
  }

  /** Waits for the holder's "held" line (its lock file exists then). */
  private static void awaitHeld(ChildJvm.Running holder, Path run) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      String log = Files.readString(holder.log(), StandardCharsets.UTF_8);
      if (log.contains("held ")) {
        return;
      }
      assertThat(holder.process().isAlive()).as(log).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("the holder did not take the lock of " + run);
  }
}
