package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint store on a file system orz does not take for local ({@link CopyFileSystem}):
 * checkpoints staged locally and uploaded, and copied once into the local cache executors load
 * from.
 */
class CheckpointCacheTest {
  private static final Configuration CONF = CopyFileSystem.conf();

  private static CheckpointStore.Contents files(String weights) {
    return folder -> {
      Files.createDirectories(folder.resolve("policy"));
      Files.writeString(folder.resolve("policy/model.safetensors"), weights);
      Files.writeString(folder.resolve("policy/config.json"), "{}");
      Files.createDirectories(folder.resolve("critic"));
      Files.writeString(folder.resolve("critic/model.safetensors"), "critic-" + weights);
    };
  }

  private static RunStore remote(Path run) throws IOException {
    return RunStore.open(CONF, RunLayout.of(CopyFileSystem.uri(run)));
  }

  @Test
  void aRemoteCheckpointIsStagedUploadedAndVerified(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("run");
    RunStore store = remote(run);
    assertThat(store.isLocal()).isFalse();
    CheckpointStore checkpoints = new CheckpointStore(store);
    checkpoints.write(1, files("w1"));
    Path committed = run.resolve("checkpoints/iter-000001");
    assertThat(committed.resolve("_SUCCESS")).exists();
    assertThat(Files.readString(committed.resolve("MANIFEST.json")))
        .contains("policy/model.safetensors", "critic/model.safetensors");
    assertThat(checkpoints.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(1);
    try (var left = Files.list(run.resolve("checkpoints"))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("iter-000001");
    }

    // A retried barrier commit on a remote store: same contents kept, others refused.
    checkpoints.write(1, Set.of(), files("w1"));
    assertThatThrownBy(() -> checkpoints.write(1, files("w2")))
        .hasMessageContaining("already committed with different contents");

    Files.writeString(committed.resolve("policy/model.safetensors"), "flipped");
    assertThat(checkpoints.verify(1).problem())
        .get()
        .asString()
        .contains("checksum mismatch in policy/model.safetensors");
  }

  @Test
  void aCheckpointIsCopiedOnceReusedAndARottenCopyFetchedAgain(@TempDir Path dir)
      throws IOException {
    Path run = dir.resolve("run");
    new CheckpointStore(remote(run)).write(1, files("w1"));
    String policy = CopyFileSystem.uri(run) + "/checkpoints/iter-000001/policy";
    Path cacheRoot = dir.resolve("cache");

    CheckpointCache cache = new CheckpointCache(cacheRoot);
    Path local = cache.folder(CONF, policy);
    assertThat(local).startsWith(cacheRoot).endsWith(Path.of("policy"));
    assertThat(Files.readString(local.resolve("model.safetensors"))).isEqualTo("w1");
    assertThat(local.resolve("config.json")).exists();
    assertThat(local.getParent().resolve("critic")).as("only the folder asked for").doesNotExist();
    assertThat(cache.folder(CONF, policy)).isEqualTo(local);
    assertThat(cache.fetches()).as("copied once, then reused").isEqualTo(1);

    // Another JVM of this machine (a second executor) finds the copy intact and reuses it.
    CheckpointCache second = new CheckpointCache(cacheRoot);
    assertThat(second.folder(CONF, policy)).isEqualTo(local);
    assertThat(second.fetches()).isZero();

    // A copy damaged on disk is not trusted: fetched again.
    Files.writeString(local.resolve("model.safetensors"), "rotten");
    CheckpointCache third = new CheckpointCache(cacheRoot);
    assertThat(Files.readString(third.folder(CONF, policy).resolve("model.safetensors")))
        .isEqualTo("w1");
    assertThat(third.fetches()).isEqualTo(1);

    // A new checkpoint has another manifest, so another digest: never the old copy.
    new CheckpointStore(remote(run)).write(2, files("w2"));
    Path next = cache.folder(CONF, CopyFileSystem.uri(run) + "/checkpoints/iter-000002/policy");
    assertThat(next).isNotEqualTo(local);
    assertThat(Files.readString(next.resolve("model.safetensors"))).isEqualTo("w2");
    try (var leftovers = Files.walk(cacheRoot)) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void aCorruptRemoteFileIsRefusedNotCached(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("run");
    new CheckpointStore(remote(run)).write(1, files("w1"));
    Files.writeString(run.resolve("checkpoints/iter-000001/policy/model.safetensors"), "flipped");
    CheckpointCache cache = new CheckpointCache(dir.resolve("cache"));
    assertThatThrownBy(
            () -> cache.folder(CONF, CopyFileSystem.uri(run) + "/checkpoints/iter-000001/policy"))
        .hasMessageContaining("does not match its manifest checksum");
    try (var left = Files.walk(dir.resolve("cache"))) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aLocalCheckpointIsLoadedWhereItIs(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("run");
    new CheckpointStore(LocalRuns.store(run)).write(1, files("w1"));
    CheckpointCache cache = new CheckpointCache(dir.resolve("cache"));
    Path policy = run.resolve("checkpoints/iter-000001/policy");
    assertThat(cache.folder(CONF, policy.toString())).isEqualTo(policy);
    assertThat(cache.folder(CONF, "file:" + policy)).isEqualTo(policy);
    assertThat(cache.fetches()).isZero();
    assertThat(dir.resolve("cache")).doesNotExist();
  }
}
