package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.orzspark.collective.BarrierStage;
import org.orzspark.testing.SharedSpark;

/**
 * A checkpoint several barrier tasks write into: each task its own files ({@link
 * CheckpointStore#writePart}), one task commits after the barrier ({@link CheckpointStore#commit}).
 */
class MultiWriterCheckpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RunStore store(Path root, boolean remote) throws IOException {
    return remote
        ? RunStore.open(CopyFileSystem.conf(), RunLayout.of(CopyFileSystem.uri(root)))
        : LocalRuns.store(root);
  }

  private static CheckpointStore.Contents shard(int rank, String values) {
    return folder -> {
      Files.createDirectories(folder.resolve("optimizer"));
      Files.writeString(folder.resolve("optimizer/policy.shard-" + rank + "-of-2.adamw"), values);
    };
  }

  private static CheckpointStore.Contents own(String weights, String timing) {
    return folder -> {
      Files.createDirectories(folder.resolve("policy"));
      Files.writeString(folder.resolve("policy/model.safetensors"), weights);
      Files.writeString(folder.resolve("update.json"), timing);
    };
  }

  /** Two tasks' shards and the committer's own files, on a local and on a remote store. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theManifestListsEveryTasksFilesAndARetryWithTheSameDigestsKeepsIt(
      boolean remote, @TempDir Path root) throws IOException {
    CheckpointStore checkpoints = new CheckpointStore(store(root, remote));
    String attempt = CheckpointStore.newAttempt();
    Map<String, String> parts = new TreeMap<>(checkpoints.writePart(1, attempt, shard(0, "m0")));
    parts.putAll(checkpoints.writePart(1, attempt, shard(1, "m1")));
    assertThat(checkpoints.latestComplete()).as("parts alone commit nothing").isEmpty();
    checkpoints.commit(1, attempt, Set.of("update.json"), parts, own("w1", "1.5 s"));

    assertCommittedWithBothShards(checkpoints, root);
    Path committed = root.resolve("checkpoints/iter-000001");

    // The barrier stage retried: a new attempt, the same shards and weights, other timings.
    String retry = CheckpointStore.newAttempt();
    Map<String, String> again = new TreeMap<>(checkpoints.writePart(1, retry, shard(0, "m0")));
    again.putAll(checkpoints.writePart(1, retry, shard(1, "m1")));
    checkpoints.commit(1, retry, Set.of("update.json"), again, own("w1", "2.5 s"));
    assertThat(committed.resolve("update.json")).hasContent("1.5 s");
    assertThat(checkpoints.verify(1).complete()).isTrue();
    try (var left = Files.list(root.resolve("checkpoints"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("the retry's attempt folder is gone")
          .containsExactly("iter-000001");
    }

    // A retry whose shard differs is refused, naming it; the committed checkpoint stays.
    String differing = CheckpointStore.newAttempt();
    Map<String, String> other = new TreeMap<>(checkpoints.writePart(1, differing, shard(0, "m0")));
    other.putAll(checkpoints.writePart(1, differing, shard(1, "m1-other")));
    assertThatThrownBy(
            () -> checkpoints.commit(1, differing, Set.of("update.json"), other, own("w1", "3 s")))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("optimizer/policy.shard-1-of-2.adamw differs");
    assertThat(committed.resolve("optimizer/policy.shard-1-of-2.adamw")).hasContent("m1");
  }

  /**
   * A real barrier stage of 2 tasks in which task 1 dies after writing its shard, before the
   * barrier: nothing is committed (its shard lies in an unlisted attempt folder only). The stage
   * run again (Spark's barrier retry, or the next {@code iterate}) commits both shards.
   */
  @Test
  void aTaskThatDiesBeforeTheBarrierLeavesNothingCommittedAndTheRetryCommitsAllShards(
      @TempDir Path root) throws Exception {
    String run = root.toString();
    JavaRDD<Integer> tasks =
        JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext())
            .parallelize(List.of(0, 1), 2);
    assertThatThrownBy(
            () ->
                BarrierStage.mapPartitions(tasks, rows -> writeAndCommit(run, true), Integer.class)
                    .collect())
        .hasStackTraceContaining("task 1 dies before the barrier");
    CheckpointStore checkpoints = new CheckpointStore(LocalRuns.store(root));
    assertThat(checkpoints.folders()).as("no checkpoint folder, not even unmarked").isEmpty();
    assertThat(checkpoints.latestComplete()).isEmpty();

    List<Integer> done =
        BarrierStage.mapPartitions(tasks, rows -> writeAndCommit(run, false), Integer.class)
            .collect();
    assertThat(done).containsExactlyInAnyOrder(0, 1);
    assertCommittedWithBothShards(checkpoints, root);
  }

  /** Checkpoint 1 is the latest complete one, and its manifest lists both tasks' shards. */
  private static void assertCommittedWithBothShards(CheckpointStore checkpoints, Path root)
      throws IOException {
    CheckpointStore.Verdict verdict = checkpoints.latestComplete().orElseThrow();
    assertThat(verdict.iteration()).isEqualTo(1);
    assertThat(checkpoints.manifest(verdict.folder()).keySet())
        .containsExactly(
            "optimizer/policy.shard-0-of-2.adamw",
            "optimizer/policy.shard-1-of-2.adamw",
            "policy/model.safetensors",
            "update.json");
    assertThat(root.resolve("checkpoints/iter-000001/optimizer/policy.shard-1-of-2.adamw"))
        .hasContent("m1");
  }

  /** One barrier task: shares task 0's attempt id, writes its shard, and task 0 commits. */
  private static Iterator<Integer> writeAndCommit(String run, boolean dies) throws IOException {
    BarrierTaskContext context = BarrierTaskContext.get();
    int rank = context.partitionId();
    String attempt = context.allGather(rank == 0 ? CheckpointStore.newAttempt() : "")[0];
    CheckpointStore checkpoints = new CheckpointStore(RunStore.open(run));
    Map<String, String> mine = checkpoints.writePart(1, attempt, shard(rank, "m" + rank));
    if (dies && rank == 1) {
      throw new IllegalStateException("task 1 dies before the barrier");
    }
    Map<String, String> parts = new TreeMap<>();
    for (String sums : context.allGather(JSON.writeValueAsString(mine))) {
      parts.putAll(JSON.readValue(sums, new TypeReference<Map<String, String>>() {}));
    }
    if (rank == 0) {
      checkpoints.commit(1, attempt, Set.of("update.json"), parts, own("w1", "t"));
    }
    return List.of(rank).iterator();
  }
}
