package org.orzspark.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.jobs.OrzCli;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;

/**
 * {@code orz iterate} on a file system that fills up mid-iteration ({@link FullDiskFileSystem} as
 * Hadoop's local file system): one line, no stack trace, a non-zero status, nothing half-committed;
 * once space is freed, {@code orz iterate} completes the iteration as the undisturbed run did.
 *
 * <p>The full file system takes every byte written through Hadoop's {@code FileSystem} for a {@code
 * file:} path: the stage outputs (Spark's Parquet tasks, their markers and stage records) and the
 * run store's file writes ({@code run.json}, {@code metrics.jsonl} and {@code failures.jsonl}
 * through their temp files, a checkpoint's {@code MANIFEST.json} and {@code _SUCCESS}), since
 * {@code RunStore} on a local run directory writes through the raw side of the file system
 * configured for {@code file:}. It does not take what {@code RunStore} does with {@code java.nio}
 * on a local run directory (the lock's exclusive create, every rename, which writes no bytes) nor a
 * checkpoint's model files, which the model code writes with {@code java.nio} into the checkpoint's
 * temp folder. The capacity below is used up inside a Spark write task of the rollout stage, so
 * this test covers a full disk in a stage output's write: the run store's writes come later in the
 * iteration, after the failure.
 */
@Tag("faults")
class FullDiskTest {

  @Test
  void aFullFileSystemIsOneLineLeavesNothingHalfCommittedAndTheRunResumes() throws Exception {
    FaultRuns runs = FaultRuns.get();
    Path run = FaultRuns.copy(runs.fresh, FaultRuns.scratch("full").resolve("run"));
    RunLayout layout = new RunLayout(run);
    // Room for the sample stage's output, not for the rollout's: the disk fills inside a Spark
    // write task of the rollout stage.
    long capacity = bytes(LocalRuns.local(new RunLayout(runs.reference).sampledPrompts(1))) + 512;

    ChildJvm.Outcome full =
        ChildJvm.orz(
            FullDiskFileSystem.register(capacity),
            Duration.ofMinutes(3),
            "iterate",
            "--run-dir",
            run.toString());

    assertThat(full.status()).as(full.output()).isNotZero().isNotEqualTo(2);
    // Everything it printed (the launcher's log configuration): its progress, then one line.
    List<String> lines = full.output().lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines)
        .as(full.output())
        .last()
        .isEqualTo(
            "orz iterate: No space left on device; free space and run it again (completed work is"
                + " kept, nothing is half-committed)");
    assertThat(lines).as(full.output()).filteredOn(line -> line.startsWith("orz ")).hasSize(1);
    assertThat(full.output()).as("no stack trace").doesNotContain("\tat ", "Exception");
    Configuration conf = runs.spark.sparkContext().hadoopConfiguration();
    assertThat(AtomicOutput.isComplete(conf, layout.sampledPrompts(1).toString()))
        .as("the stage before the full disk stays committed")
        .isTrue();
    for (org.apache.hadoop.fs.Path output :
        List.of(layout.generated(1), layout.rollouts(1), layout.experience(1))) {
      assertThat(AtomicOutput.check(conf, output.toString()).marked())
          .as(output.toString())
          .isFalse();
    }
    assertThat(FaultRuns.leftovers(run)).as("temp folders of the failed write").isEmpty();

    OrzCli.Outcome resumed = OrzCli.execute("iterate", "--run-dir", run.toString());
    assertThat(resumed.status()).as(resumed.err()).isZero();
    FaultLedger.survived(
        "file system full inside the rollout stage's write", runs.assertSameAsReference(run));
  }

  private static long bytes(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
