package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    CheckpointStore store = new CheckpointStore(new RunLayout(root));
    assertThat(store.latestComplete()).isEmpty();
    store.write(0, files("w0"));
    store.write(1, files("w1"));
    assertThat(store.latestComplete()).get().extracting(CheckpointStore.Verdict::iteration).isEqualTo(1);
    assertThat(root.resolve("checkpoints/iter-000001/MANIFEST.json")).exists();
    assertThat(root.resolve("checkpoints/iter-000001/_SUCCESS")).exists();
  }

  @Test
  void aCorruptedCheckpointIsNeverTakenAsTheLatest(@TempDir Path root) throws IOException {
    RunLayout layout = new RunLayout(root);
    CheckpointStore store = new CheckpointStore(layout);
    store.write(0, files("w0"));
    store.write(1, files("w1"));
    Files.writeString(layout.checkpoint(1).resolve("policy/model.safetensors"), "flipped");
    var verdicts = store.scan();
    assertThat(verdicts.get(0).problem()).get().asString().contains("checksum mismatch in policy/model.safetensors");
    assertThat(store.latestComplete()).get().extracting(CheckpointStore.Verdict::iteration).isEqualTo(0);

    Files.delete(layout.checkpoint(0).resolve("state.json"));
    assertThat(store.latestComplete()).isEmpty();
  }

  @Test
  void aPartialCheckpointIsIgnoredAndReplacedOnTheNextWrite(@TempDir Path root) throws IOException {
    RunLayout layout = new RunLayout(root);
    CheckpointStore store = new CheckpointStore(layout);
    store.write(0, files("w0"));
    Files.createDirectories(layout.checkpoint(1).resolve("policy"));
    Files.writeString(layout.checkpoint(1).resolve("policy/model.safetensors"), "half");
    assertThat(store.latestComplete()).get().extracting(CheckpointStore.Verdict::iteration).isEqualTo(0);
    assertThat(store.scan().get(0).problem()).get().asString().contains("_SUCCESS");

    store.write(1, files("w1"));
    assertThat(store.latestComplete()).get().extracting(CheckpointStore.Verdict::iteration).isEqualTo(1);
    assertThat(Files.readString(layout.checkpoint(1).resolve("policy/model.safetensors"))).isEqualTo("w1");
  }

  @Test
  void aCompleteCheckpointIsNeverOverwrittenAndAFailedWriteLeavesNothing(@TempDir Path root)
      throws IOException {
    RunLayout layout = new RunLayout(root);
    CheckpointStore store = new CheckpointStore(layout);
    store.write(0, files("w0"));
    assertThatThrownBy(() -> store.write(0, files("other"))).isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> store.write(1, folder -> {
      Files.writeString(folder.resolve("a"), "x");
      throw new IOException("disk full");
    })).hasMessage("disk full");
    try (var left = Files.list(layout.checkpoints())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("iter-000000");
    }
  }
}
