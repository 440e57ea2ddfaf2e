package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;

/** {@link Iteration#expectedNext}: the iteration to name, from folder names and markers only. */
class IterationExpectedNextTest {

  @Test
  void followsTheNewestMarkedCheckpointAndItsMetrics(@TempDir Path root) throws Exception {
    RunLayout layout = new RunLayout(root);
    assertThat(Iteration.expectedNext(LocalRuns.store(root))).as("no checkpoints yet").isEqualTo(1);
    complete(LocalRuns.local(layout.checkpoint(0)));
    assertThat(Iteration.expectedNext(LocalRuns.store(root))).as("after init").isEqualTo(1);
    complete(LocalRuns.local(layout.checkpoint(1)));
    assertThat(Iteration.expectedNext(LocalRuns.store(root)))
        .as("checkpoint 1 without its metrics")
        .isEqualTo(1);
    complete(LocalRuns.local(layout.metrics(1)));
    assertThat(Iteration.expectedNext(LocalRuns.store(root))).isEqualTo(2);
    Files.createDirectories(LocalRuns.local(layout.checkpoint(2))); // a crashed update: no _SUCCESS
    Files.createDirectories(LocalRuns.local(layout.checkpoints()).resolve(".iter-000003.tmp-x"));
    assertThat(Iteration.expectedNext(LocalRuns.store(root)))
        .as("unmarked and temp folders ignored")
        .isEqualTo(2);
  }

  private static void complete(Path folder) throws Exception {
    Files.createDirectories(folder);
    Files.createFile(folder.resolve(AtomicOutput.SUCCESS));
  }
}
