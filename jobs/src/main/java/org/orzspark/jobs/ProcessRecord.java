package org.orzspark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * The JSON record of background processes a command started (pids, ports), so that a later command
 * finds and stops exactly those. Replaced atomically (a uniquely named temp file renamed over it),
 * so a reader never sees half a record and two writers never share a temp file.
 *
 * @param <T> the record type (a Jackson-serialisable Java record)
 */
public final class ProcessRecord<T> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Class<T> type;
  private final String what;

  /**
   * @param what names the record in an error, e.g. "cluster state"
   */
  public ProcessRecord(Path file, Class<T> type, String what) {
    this.file = file;
    this.type = type;
    this.what = what;
  }

  public void write(T value) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The record, or empty when none was written (or it was deleted). */
  public Optional<T> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), type));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable " + what + " " + file, e);
    }
  }

  public void delete() throws IOException {
    Files.deleteIfExists(file);
  }
}
