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

  /** The run {@link #other()} writes: fewer iterations, the step earlier. */
  public static final int OTHER_ITERATIONS = 10;

  public static final int OTHER_STEP_AT = 4;

  private static Path run;
  private static Path other;

  private StepRunFixture() {}

  public static synchronized Path run() {
    if (run == null) {
      Path dir = Path.of("target", "fixtures", "step-run").toAbsolutePath();
      deleteRecursively(dir);
      run = SyntheticRun.writeStepRun(SharedSpark.session(), dir, ITERATIONS, STEP_AT);
    }
    return run;
  }

  /** A second run to compare with ({@code other-run}: 10 iterations, step at 4), written once. */
  public static synchronized Path other() {
    if (other == null) {
      Path dir = Path.of("target", "fixtures", "other-run").toAbsolutePath();
      deleteRecursively(dir);
      other =
          SyntheticRun.writeStepRun(SharedSpark.session(), dir, OTHER_ITERATIONS, OTHER_STEP_AT);
    }
    return other;
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
