package org.orzspark.testing;

import java.nio.file.Path;

/** The repository root, for tests that run the launcher or read {@code conf/}. */
public final class RepoPaths {
  private RepoPaths() {}

  public static Path root() {
    String configured = System.getProperty("orz.repo.dir");
    return (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
  }
}
