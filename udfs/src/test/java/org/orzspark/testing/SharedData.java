package org.orzspark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only {@code ../shared} folder (corpora, tokenizers) that tests read in place. */
public final class SharedData {
  private SharedData() {}

  /** {@code ../shared} relative to the repository root, or {@code -Dorz.shared.dir}. */
  public static Path root() {
    String configured = System.getProperty("orz.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "shared");
    if (!Files.isDirectory(root)) {
      root = Path.of("..", "..", "shared");
    }
    return root.toAbsolutePath().normalize();
  }

  public static Path resolve(String relative) {
    Path path = root().resolve(relative);
    if (!Files.exists(path)) {
      throw new IllegalStateException("shared data file missing: " + path);
    }
    return path;
  }
}
