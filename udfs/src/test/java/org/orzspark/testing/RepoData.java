package org.orzspark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the third-party data kept in the repository, {@code datasets/data/} (evaluation sets, the
 * Math-Verify corpus, a Qwen tokenizer; sources and licenses in its README), that tests read in
 * place.
 */
public final class RepoData {
  private RepoData() {}

  /** {@code datasets/data/} under {@link RepoPaths#root()}. */
  public static Path root() {
    return RepoPaths.root().resolve("datasets").resolve("data");
  }

  /**
   * A file or folder under {@code datasets/data/}, e.g. {@code "eval/math500.json"}; it must exist.
   */
  public static Path resolve(String relative) {
    Path path = root().resolve(relative);
    if (!Files.exists(path)) {
      throw new IllegalStateException("repository data missing: " + path);
    }
    return path;
  }
}
