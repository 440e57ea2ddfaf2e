package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's primitives behave alike on a local run directory (java.nio underneath) and on one
 * reached through Hadoop's remote code paths ({@link CopyFileSystem}).
 */
class RunStoreTest {

  private static RunStore open(boolean remote, Path run) throws IOException {
    Files.createDirectories(run);
    return remote
        ? RunStore.open(CopyFileSystem.conf(), RunLayout.of(CopyFileSystem.uri(run)))
        : RunStore.open(new Configuration(), RunLayout.of(run.toString()));
  }

  private static List<String> names(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aPlainPathBecomesAnAbsoluteFileUri() {
    assertThat(RunLayout.of("runs/x").root().toString())
        .isEqualTo("file:" + Path.of("runs/x").toAbsolutePath());
    assertThat(RunLayout.of("hdfs://nn:8020/runs/x").checkpoint(7).toString())
        .isEqualTo("hdfs://nn:8020/runs/x/checkpoints/iter-000007");
    assertThat(RunLayout.of("s3a://bucket/runs/x").name()).isEqualTo("x");
    assertThat(RunLayout.of("/runs/x").relative(RunLayout.of("/runs/x").metricsJsonl()))
        .isEqualTo("metrics/metrics.jsonl");
  }

  @ParameterizedTest(name = "remote={0}")
  @ValueSource(booleans = {false, true})
  void writesReplaceAtomicallyAndLeaveNoTemp(boolean remote, @TempDir Path run) throws IOException {
    RunStore store = open(remote, run);
    assertThat(store.isLocal()).isEqualTo(!remote);
    var file = store.layout().metricsJsonl();
    assertThat(store.readIfExists(file)).isEmpty();
    store.writeAtomically(file, "one\n".getBytes(StandardCharsets.UTF_8));
    store.writeAtomically(file, "one\ntwo\n".getBytes(StandardCharsets.UTF_8));
    assertThat(store.readString(file)).isEqualTo("one\ntwo\n");
    assertThat(names(run.resolve("metrics"))).containsExactly("metrics.jsonl");
  }

  @ParameterizedTest(name = "remote={0}")
  @ValueSource(booleans = {false, true})
  void anExclusiveCreateAndANoReplaceRenameNeverOverwrite(boolean remote, @TempDir Path run)
      throws IOException {
    RunStore store = open(remote, run);
    var lock = store.layout().lock();
    assertThat(store.createExclusive(lock, "first".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(store.createExclusive(lock, "second".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(store.readString(lock)).isEqualTo("first");

    var other = new org.apache.hadoop.fs.Path(store.layout().root(), "other");
    store.write(other, "other".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> store.rename(other, lock, false))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(store.readString(lock)).isEqualTo("first");
    store.rename(other, lock, true);
    assertThat(store.readString(lock)).isEqualTo("other");
    assertThat(names(run)).containsExactly(RunLock.FILE);
  }

  @ParameterizedTest(name = "remote={0}")
  @ValueSource(booleans = {false, true})
  void theRunLockRefusesASecondWriterOnEitherStore(boolean remote, @TempDir Path run)
      throws IOException {
    RunStore store = open(remote, run);
    try (RunLock held = RunLock.acquire(store, "orz iterate")) {
      assertThatThrownBy(() -> RunLock.acquire(store, "orz iterate"))
          .isInstanceOf(RunLock.HeldException.class)
          .hasMessageContaining("is locked by orz iterate");
      held.ensureHeld();
    }
    assertThat(names(run)).isEmpty();
  }
}
