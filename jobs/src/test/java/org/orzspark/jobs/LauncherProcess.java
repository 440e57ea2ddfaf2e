package org.orzspark.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.orzspark.testing.RepoPaths;

/** Runs {@code jobs/bin/orz} as a user would, for integration tests. */
public final class LauncherProcess {
  private LauncherProcess() {}

  /** Exit code and combined console output of one launcher run. */
  public record Outcome(int exitCode, String output) {}

  public static Outcome run(Duration timeout, String... args) throws IOException, InterruptedException {
    Path root = RepoPaths.root();
    List<String> command = new ArrayList<>();
    command.add(root.resolve("jobs/bin/orz").toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("orz-launcher", ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("orz " + String.join(" ", args) + " did not finish within "
          + timeout + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Outcome(process.exitValue(), output);
  }
}
