package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.orzspark.run.LocalRuns.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  private static CheckpointStore.Contents files(String weights) {
    return folder -> {
      Files.createDirectories(folder.resolve("policy"));
      Files.writeString(folder.resolve("policy/model.safetensors"), weights);
      Files.writeString(folder.resolve("state.json"), "{\"iteration\":1}");
    };
  }

  @Test
  void theLatestCompleteCheckpointIsTheHighestIntactOne(@TempDir Path root) throws IOException {
    CheckpointStore store = new CheckpointStore(LocalRuns.store(root));
    assertThat(store.latestComplete()).isEmpty();
    store.write(0, files("w0"));
    store.write(1, files("w1"));
    assertThat(store.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(1);
    assertThat(root.resolve("checkpoints/iter-000001/MANIFEST.json")).exists();
    assertThat(root.resolve("checkpoints/iter-000001/_SUCCESS")).exists();
  }

  @Test
  void usableIsTheRequestedOrLatestCompleteOrOneLineWhy(@TempDir Path root) throws IOException {
    RunStore runStore = LocalRuns.store(root);
    RunConfig.resolve("m", "p", "x", new Properties(), Map.of("checkpoint.keep_every", "5"))
        .write(runStore);
    CheckpointStore store = new CheckpointStore(runStore);
    assertThatThrownBy(() -> store.usable(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no complete checkpoint in ");
    store.write(1, files("w1"));
    store.write(2, files("w2"));
    store.write(3, files("w3"));
    Files.delete(local(runStore.layout().checkpoint(3)).resolve("_SUCCESS"));

    assertThat(store.usable(null).iteration()).isEqualTo(2);
    assertThat(store.usable(1).folder()).isEqualTo(runStore.layout().checkpoint(1));
    assertThatThrownBy(() -> store.usable(0))
        .hasMessage(
            "checkpoint 0 does not exist (pruned: checkpoint.keep_every=5); complete ones: [1, 2]");
    assertThatThrownBy(() -> store.usable(7))
        .hasMessage("checkpoint 7 does not exist (not written yet); complete ones: [1, 2]");
    assertThatThrownBy(() -> store.usable(3))
        .hasMessage("checkpoint 3 is not usable: no _SUCCESS marker (partial write)");
  }

  @Test
  void aCorruptedCheckpointIsNeverTakenAsTheLatest(@TempDir Path root) throws IOException {
    RunLayout layout = new RunLayout(root);
    RunStore runStore = LocalRuns.store(root);
    CheckpointStore store = new CheckpointStore(runStore);
    store.write(0, files("w0"));
    store.write(1, files("w1"));
    Files.writeString(local(layout.checkpoint(1)).resolve("policy/model.safetensors"), "flipped");
    var verdicts = store.scan();
    assertThat(verdicts.get(0).problem())
        .get()
        .asString()
        .contains("checksum mismatch in policy/model.safetensors");
    assertThat(store.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(0);

    Files.delete(local(layout.checkpoint(0)).resolve("state.json"));
    assertThat(store.latestComplete()).isEmpty();
  }

  @Test
  void aPartialCheckpointIsIgnoredAndReplacedOnTheNextWrite(@TempDir Path root) throws IOException {
    RunLayout layout = new RunLayout(root);
    RunStore runStore = LocalRuns.store(root);
    CheckpointStore store = new CheckpointStore(runStore);
    store.write(0, files("w0"));
    Files.createDirectories(local(layout.checkpoint(1)).resolve("policy"));
    Files.writeString(local(layout.checkpoint(1)).resolve("policy/model.safetensors"), "half");
    assertThat(store.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(0);
    assertThat(store.scan().get(0).problem()).get().asString().contains("_SUCCESS");

    store.write(1, files("w1"));
    assertThat(store.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(1);
    assertThat(Files.readString(local(layout.checkpoint(1)).resolve("policy/model.safetensors")))
        .isEqualTo("w1");
  }

  @Test
  void aCompleteCheckpointIsNeverOverwrittenAndAFailedWriteLeavesNothing(@TempDir Path root)
      throws IOException {
    RunLayout layout = new RunLayout(root);
    RunStore runStore = LocalRuns.store(root);
    CheckpointStore store = new CheckpointStore(runStore);
    store.write(0, files("w0"));
    assertThatThrownBy(() -> store.write(0, files("other")))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(
            () ->
                store.write(
                    1,
                    folder -> {
                      Files.writeString(folder.resolve("a"), "x");
                      throw new IOException("disk full");
                    }))
        .hasMessage("disk full");
    try (var left = Files.list(local(layout.checkpoints()))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("iter-000000");
    }
  }

  @Test
  void findingTheLatestHashesOnlyTheCheckpointItReturns(@TempDir Path root) throws IOException {
    RunLayout layout = new RunLayout(root);
    RunStore runStore = LocalRuns.store(root);
    for (int i = 0; i <= 5; i++) {
      new CheckpointStore(runStore).write(i, files("w" + i));
    }
    // An older checkpoint's damage is not looked for: only the one to be loaded is verified.
    Files.writeString(local(layout.checkpoint(2)).resolve("policy/model.safetensors"), "flipped");
    CheckpointStore store = new CheckpointStore(runStore);
    assertThat(store.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(5);
    assertThat(store.foldersHashed()).isEqualTo(1);

    // ... and the one to be loaded keeps its guarantee: damaged, the next intact one is taken.
    Files.writeString(local(layout.checkpoint(5)).resolve("state.json"), "flipped");
    CheckpointStore again = new CheckpointStore(runStore);
    assertThat(again.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(4);
    assertThat(again.foldersHashed()).isEqualTo(2);
  }

  /** Checkpoints 0..9 written, keep_every 3, checkpoint 4 evaluated. */
  @Test
  void pruningKeepsTheLatestTwoEveryKthAndTheEvaluated(@TempDir Path root) throws IOException {
    RunLayout layout = new RunLayout(root);
    RunStore runStore = LocalRuns.store(root);
    CheckpointStore store = new CheckpointStore(runStore);
    for (int i = 0; i <= 9; i++) {
      store.write(i, files("w" + i));
    }
    // a checkpoint being written is never a marked folder: left alone
    Files.createDirectories(local(layout.checkpoint(10)).resolve("policy"));

    // kept: 9, 8 (latest two); 0, 3, 6 (multiples of 3); 4 (evaluated). Deleted: 7, 5, 2, 1.
    assertThat(store.prune(3, iteration -> iteration == 4)).containsExactly(7, 5, 2, 1);
    try (var left = Files.list(local(layout.checkpoints()))) {
      assertThat(
              left.map(p -> CheckpointStore.iterationOf(p.getFileName().toString()).orElseThrow()))
          .containsExactlyInAnyOrder(0, 3, 4, 6, 8, 9, 10);
    }
    assertThat(store.prune(3, iteration -> iteration == 4)).isEmpty();
    assertThat(store.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(9);
  }

  @Test
  void pruningWithKeepEveryOneDeletesNothing(@TempDir Path root) throws IOException {
    CheckpointStore store = new CheckpointStore(LocalRuns.store(root));
    for (int i = 0; i <= 4; i++) {
      store.write(i, files("w" + i));
    }
    assertThat(store.prune(1, iteration -> false)).isEmpty();
    assertThat(store.prune(50, iteration -> false)).containsExactly(2, 1);
  }

  /** A barrier stage retried after its task 0 committed writes the same checkpoint again. */
  @Test
  void aRetryWithTheSameContentsKeepsTheCommittedCheckpoint(@TempDir Path root) throws IOException {
    RunLayout layout = new RunLayout(root);
    CheckpointStore store = new CheckpointStore(LocalRuns.store(root));
    CheckpointStore.Contents first =
        folder -> {
          files("w1").writeTo(folder);
          Files.writeString(folder.resolve("update.json"), "{\"time_s\":1.5}");
        };
    CheckpointStore.Contents retried =
        folder -> {
          files("w1").writeTo(folder);
          Files.writeString(folder.resolve("update.json"), "{\"time_s\":2.5}");
        };
    store.write(1, Set.of("update.json"), first);
    assertThat(store.write(1, Set.of("update.json"), retried)).isEqualTo(layout.checkpoint(1));
    assertThat(Files.readString(local(layout.checkpoint(1)).resolve("update.json")))
        .as("the committed attempt's own file stays")
        .isEqualTo("{\"time_s\":1.5}");
    assertThat(store.verify(1).complete()).isTrue();
    try (var left = Files.list(local(layout.checkpoints()))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("iter-000001");
    }

    assertThatThrownBy(() -> store.write(1, Set.of("update.json"), files("w1-other")))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("checkpoint 1 is already committed with different contents")
        .hasMessageContaining("policy/model.safetensors differs");
    assertThat(Files.readString(local(layout.checkpoint(1)).resolve("policy/model.safetensors")))
        .isEqualTo("w1");
  }

  @Test
  void aCheckpointThisProcessWroteIsTrustedByItsStampsAndHashedOnceTouched(@TempDir Path root)
      throws IOException {
    CheckpointStore store = new CheckpointStore(LocalRuns.store(root));
    store.write(1, files("w1"));
    Path weights =
        local(LocalRuns.store(root).layout().checkpoint(1)).resolve("policy/model.safetensors");
    FileTime committed = Files.getLastModifiedTime(weights);

    // Same size, same modification time: the writer's own hashes stand, nothing is read.
    Files.writeString(weights, "x1");
    Files.setLastModifiedTime(weights, committed);
    assertThat(store.verify(1).complete()).isTrue();

    // Touched since the commit: hashed in full, and the changed bytes are found.
    Files.setLastModifiedTime(weights, FileTime.fromMillis(committed.toMillis() + 1000));
    assertThat(store.verify(1).problem()).isPresent();
    Files.writeString(weights, "w1");
    assertThat(store.verify(1).complete()).isTrue();
  }

  @Test
  void aRetryComparesEveryFileButTheAttemptsOwn() throws IOException {
    Map<String, String> committed = Map.of("a", "1", "b", "2", "update.json", "x");
    CheckpointStore.requireSame(
        3, committed, Map.of("a", "1", "b", "2", "update.json", "y"), Set.of("update.json"));
    assertThatThrownBy(
            () ->
                CheckpointStore.requireSame(
                    3, committed, Map.of("a", "1", "update.json", "x"), Set.of("update.json")))
        .hasMessageContaining("(b differs)");
    assertThatThrownBy(
            () ->
                CheckpointStore.requireSame(
                    3,
                    committed,
                    Map.of("a", "1", "b", "2", "c", "3", "update.json", "x"),
                    Set.of()))
        .hasMessageContaining("(c differs)");
  }

  @Test
  void aCheckpointWhoseManifestHoldsSha256SumsIsStillVerifiedAndKeptOnARetry(@TempDir Path root)
      throws IOException {
    RunLayout layout = new RunLayout(root);
    CheckpointStore store = new CheckpointStore(LocalRuns.store(root));
    store.write(1, files("w1"));
    Path folder = local(layout.checkpoint(1));
    assertThat(store.manifest(layout.checkpoint(1)).values())
        .allMatch(s -> s.startsWith("crc32c:"));
    // The manifest an older version wrote: a bare SHA-256 per file.
    Map<String, String> older = new TreeMap<>();
    for (String name : List.of("policy/model.safetensors", "state.json")) {
      try (InputStream in = Files.newInputStream(folder.resolve(name))) {
        older.put(name, FileChecksum.sha256(in));
      }
    }
    Files.writeString(
        folder.resolve(CheckpointStore.MANIFEST), new ObjectMapper().writeValueAsString(older));
    CheckpointStore.forgetCommitted();

    assertThat(store.verify(1).complete()).isTrue();
    store.write(1, files("w1"));
    assertThat(store.manifest(layout.checkpoint(1))).isEqualTo(older);
    assertThatThrownBy(() -> store.write(1, files("w2")))
        .hasMessageContaining("(policy/model.safetensors differs)");
    Files.writeString(folder.resolve("policy/model.safetensors"), "w9");
    assertThat(store.verify(1).problem())
        .get()
        .asString()
        .contains("checksum mismatch in policy/model.safetensors");
  }
}
