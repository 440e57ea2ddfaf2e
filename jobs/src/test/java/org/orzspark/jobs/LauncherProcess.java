package org.orzspark.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.orzspark.testing.RepoPaths;

/** Runs {@code jobs/bin/orz} as a user would, for integration tests. */
public final class LauncherProcess {
  private LauncherProcess() {}

  /** Exit code and combined console output of one launcher run. */
  public record Outcome(int exitCode, String output) {}

  public static Outcome run(Duration timeout, String... args)
      throws IOException, InterruptedException {
    return run(RepoPaths.root(), Map.of(), timeout, args);
  }

  /**
   * Runs {@code <checkout>/jobs/bin/orz} from that checkout with these environment changes (an
   * empty value removes the variable); SPARK_HOME and SPARK_CONF_DIR are removed unless given.
   */
  public static Outcome run(
      Path checkout, Map<String, String> environment, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(checkout.resolve("jobs/bin/orz").toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("orz-launcher", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(checkout.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.remove("SPARK_HOME");
    env.remove("SPARK_CONF_DIR");
    environment.forEach(
        (name, value) -> {
          if (value.isEmpty()) {
            env.remove(name);
          } else {
            env.put(name, value);
          }
        });
    Process process = builder.start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          "orz "
              + String.join(" ", args)
              + " did not finish within "
              + timeout
              + ":\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Outcome(process.exitValue(), output);
  }
}
