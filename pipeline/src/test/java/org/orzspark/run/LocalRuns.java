package org.orzspark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Local run directories in tests: their store, and the local file of a run path. */
public final class LocalRuns {
  private LocalRuns() {}

  /** The store of the local run directory {@code root}. */
  public static RunStore store(Path root) {
    try {
      return RunStore.open(root.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The store of the run directory {@code layout}. */
  public static RunStore store(RunLayout layout) {
    try {
      return RunStore.open(layout.root().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local file of a {@code file:} path of a run. */
  public static Path local(org.apache.hadoop.fs.Path path) {
    return Path.of(path.toUri().getPath());
  }
}
