package org.orzspark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.orzspark.analysis.SyntheticRun;
import org.orzspark.testing.SharedSpark;

/**
 * One synthetic run per test JVM ({@link SyntheticRun#writeStepRun}: 12 iterations, step at 7),
 * under the testing module's {@code target/fixtures/} (pipeline's report tests, jobs' analyze and
 * notebook tests; this class reaches jobs through pipeline's test-jar), shared by the tests of that
 * JVM (writing it costs seconds).
 */
public final class StepRunFixture {
  public static final int ITERATIONS = 12;
  public static final int STEP_AT = 7;

  private static Path run;

  private StepRunFixture() {}

  public static synchronized Path run() {
    if (run == null) {
      Path dir = Path.of("target", "fixtures", "step-run").toAbsolutePath();
      deleteRecursively(dir);
      run = SyntheticRun.writeStepRun(SharedSpark.session(), dir, ITERATIONS, STEP_AT);
    }
    return run;
  }

  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
