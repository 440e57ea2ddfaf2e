package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunLock;

/** A second {@code orz iterate} on a run is refused before any work (no Spark session needed). */
class IterationLockTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @Test
  void aSecondIterateIsRefusedAtOnceNamingTheHolderAndTouchesNothing(@TempDir Path root)
      throws IOException {
    RunLayout layout = new RunLayout(root);
    Files.writeString(LocalRuns.local(layout.runJson()), "{}");
    Path leftover = Files.createDirectories(root.resolve("rollouts/.iteration=1.tmp-live"));
    try (RunLock held = RunLock.acquire(LocalRuns.store(root), "orz iterate --run-dir " + root)) {
      // No session: the refusal comes before anything would use one.
      assertThatThrownBy(() -> Iteration.run(null, root.toString(), null, QUIET))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is locked by orz iterate --run-dir " + root);
      // The holder's temp is not a leftover while it holds the lock.
      assertThat(leftover).exists();
      assertThat(LocalRuns.local(held.file())).exists();
    }
  }
}
