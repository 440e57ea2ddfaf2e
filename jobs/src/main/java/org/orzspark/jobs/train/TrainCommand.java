package org.orzspark.jobs.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.orzspark.run.RunLayout;
import org.orzspark.timing.Progress;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz train}: K iterations, each its own {@code spark-submit} through the launcher (what a
 * scheduler would do), stopping at the first failure with its exit status.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Run K iterations, each its own spark-submit (orz iterate); stops at the first failure.")
public final class TrainCommand implements Callable<Integer> {

  @Mixin ExistingRunOption run = new ExistingRunOption();

  @Option(
      names = "--iterations",
      defaultValue = "1",
      description = "Iterations to run (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Override
  public Integer call() throws Exception {
    if (iterations < 1) {
      throw new IllegalArgumentException("--iterations must be at least 1, got " + iterations);
    }
    launcher();
    Stopwatch clock = Stopwatch.start();
    for (int k = 1; k <= iterations; k++) {
      System.out.println(progressLine(k, iterations, clock.seconds()));
      int status = iterateOnce(run.runDir());
      if (status == CommandLine.ExitCode.USAGE) {
        // The iteration already said, in one line, what the caller has to fix.
        return status;
      }
      if (status != 0) {
        System.err.printf(
            "orz train: iteration %d of %d failed (exit %d); stopping%n", k, iterations, status);
        return status;
      }
    }
    System.out.printf(
        "orz train: %d iterations in %s%n", iterations, Progress.clock(clock.seconds()));
    return 0;
  }

  /**
   * {@code orz train: iteration 3 of 10 (elapsed 1:30, remaining ~3:30)} before iteration {@code
   * k}; the remaining time extrapolates the iterations done so far, so the first line has none.
   */
  static String progressLine(int k, int total, double elapsedSeconds) {
    String line = "orz train: iteration " + k + " of " + total;
    if (k == 1) {
      return line;
    }
    return line
        + " (elapsed "
        + Progress.clock(elapsedSeconds)
        + ", remaining ~"
        + Progress.clock(Progress.remainingSeconds(k - 1, total, elapsedSeconds))
        + ")";
  }

  /** One {@code orz iterate} through the launcher, with the caller's spark-submit options. */
  public static int iterateOnce(String runDir) throws IOException, InterruptedException {
    return iterateOnce(runDir, sparkSubmitArgs());
  }

  /** One {@code orz iterate} through the launcher, with these spark-submit options. */
  public static int iterateOnce(String runDir, List<String> sparkArgs)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                launcher().toString(),
                "iterate",
                "--run-dir",
                RunLayout.of(runDir).root().toString()));
    if (!sparkArgs.isEmpty()) {
      command.add("--");
      command.addAll(sparkArgs);
    }
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  /** {@code jobs/bin/orz}, found through {@code ORZ_HOME} (the launcher sets it). */
  public static Path launcher() {
    String home = System.getenv("ORZ_HOME");
    if (home == null) {
      throw new IllegalArgumentException(
          "ORZ_HOME is not set: run this command through jobs/bin/orz");
    }
    return Path.of(home, "jobs", "bin", "orz");
  }

  /** The spark-submit options the launcher received after {@code --} (one per line). */
  public static List<String> sparkSubmitArgs() {
    String args = System.getenv("ORZ_SPARK_ARGS");
    return args == null || args.isEmpty() ? List.of() : Arrays.asList(args.split("\n"));
  }
}
