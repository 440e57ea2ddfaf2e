package org.orzspark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only {@code shared/} folder (corpora, tokenizers) that tests read in place. */
public final class SharedData {
  private static final String MARKER = "ORZ-FACTS.md";

  private SharedData() {}

  /**
   * {@code -Dorz.shared.dir} or {@code $ORZ_SHARED_DIR} when set, else the first {@code shared/}
   * beside the working directory or one of its ancestors (Maven runs tests in the module folder,
   * so the repository's {@code ../shared} is found one level up).
   */
  public static Path root() {
    String configured = System.getProperty("orz.shared.dir", System.getenv("ORZ_SHARED_DIR"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("shared").resolve(MARKER))) {
        return dir.resolve("shared");
      }
    }
    throw new IllegalStateException(
        "no shared/ folder (with " + MARKER + ") beside the repository; set ORZ_SHARED_DIR");
  }

  public static Path resolve(String relative) {
    Path path = root().resolve(relative);
    if (!Files.exists(path)) {
      throw new IllegalStateException("shared data file missing: " + path);
    }
    return path;
  }
}
