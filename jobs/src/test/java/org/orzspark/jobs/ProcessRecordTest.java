package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRecordTest {
  @TempDir Path dir;

  record Pids(String name, List<Long> pids) {}

  @Test
  void writesReadsBackReplacesAndDeletes() throws Exception {
    ProcessRecord<Pids> record =
        new ProcessRecord<>(dir.resolve("state/run.json"), Pids.class, "test record");
    assertThat(record.read()).isEmpty();
    record.write(new Pids("a", List.of(1L, 2L)));
    record.write(new Pids("b", List.of(3L)));
    assertThat(record.read()).contains(new Pids("b", List.of(3L)));
    try (var files = Files.list(dir.resolve("state"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("run.json");
    }
    record.delete();
    assertThat(record.read()).isEmpty();
  }

  @Test
  void anUnreadableRecordIsNamedInTheError() throws Exception {
    Files.writeString(dir.resolve("bad.json"), "{not json");
    ProcessRecord<Pids> record =
        new ProcessRecord<>(dir.resolve("bad.json"), Pids.class, "test record");
    assertThatThrownBy(record::read)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("unreadable test record");
  }
}
