package org.orzspark.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.Iteration;

/**
 * Damage to what a run already committed: a truncated Parquet file in a complete rollout or
 * experience output and a flipped byte in a checkpoint are detected when the run goes on, never
 * trusted and never fatal; what they held is computed again, equal to the undisturbed run.
 */
@Tag("faults")
class CorruptOutputsTest {

  /** The case: rollouts truncated, the iteration's metrics missing; every rerun failed. */
  @Test
  void aTruncatedRolloutFileWithItsMetricsMissingIsRecomputed() throws Exception {
    FaultRuns runs = FaultRuns.get();
    Path run = FaultRuns.copy(runs.reference, FaultRuns.scratch("rollouts").resolve("run"));
    RunLayout layout = new RunLayout(run);
    Path part = truncateParquet(LocalRuns.local(layout.rollouts(1)));
    deleteTree(LocalRuns.local(layout.metrics(1)));
    Files.delete(LocalRuns.local(layout.metricsJsonl()));

    String console = iterate(run);
    assertThat(console)
        .containsOnlyOnce("is damaged")
        .contains("rollouts/iteration=1 is damaged (" + part.getFileName() + " has ");
    FaultLedger.survived(
        "truncated rollout Parquet file, metrics missing", runs.assertSameAsReference(run));
  }

  @Test
  void aTruncatedExperienceFileBeforeTheUpdateIsRecomputed() throws Exception {
    FaultRuns runs = FaultRuns.get();
    Path run = FaultRuns.copy(runs.reference, FaultRuns.scratch("experience").resolve("run"));
    RunLayout layout = new RunLayout(run);
    // The run as a kill before the update leaves it: no checkpoint 1, no metrics.
    deleteTree(LocalRuns.local(layout.checkpoint(1)));
    deleteTree(LocalRuns.local(layout.metrics(1)));
    Files.delete(LocalRuns.local(layout.metricsJsonl()));
    truncateParquet(LocalRuns.local(layout.experience(1)));

    String console = iterate(run);
    assertThat(console)
        .containsOnlyOnce("is damaged")
        .contains("experience/iteration=1 is damaged");
    FaultLedger.survived("truncated experience Parquet file", runs.assertSameAsReference(run));
  }

  @Test
  void aFlippedCheckpointByteRedoesTheIteration() throws Exception {
    FaultRuns runs = FaultRuns.get();
    Path run = FaultRuns.copy(runs.reference, FaultRuns.scratch("flipped").resolve("run"));
    RunLayout layout = new RunLayout(run);
    Path weights;
    try (Stream<Path> files = Files.list(LocalRuns.local(layout.checkpoint(1)).resolve("policy"))) {
      weights = files.filter(f -> f.toString().endsWith(".safetensors")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(weights, bytes);
    CheckpointStore checkpoints = new CheckpointStore(LocalRuns.store(layout));
    assertThat(checkpoints.latestComplete().orElseThrow().iteration())
        .as("the damaged checkpoint is not the latest complete one")
        .isZero();

    String console = iterate(run);
    assertThat(console).contains("iteration 1 |");
    FaultLedger.survived("flipped byte in a checkpoint", runs.assertSameAsReference(run));
  }

  private static String iterate(Path run) throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Iteration.run(
        FaultRuns.get().spark,
        run.toString(),
        null,
        new PrintStream(console, true, StandardCharsets.UTF_8));
    return console.toString(StandardCharsets.UTF_8);
  }

  /** Cuts the first Parquet file of {@code folder} to half its size; returns it. */
  private static Path truncateParquet(Path folder) throws IOException {
    Path part;
    try (Stream<Path> files = Files.list(folder)) {
      part =
          files
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() / 2);
    }
    return part;
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
