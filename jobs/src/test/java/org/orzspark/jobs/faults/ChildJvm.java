package org.orzspark.jobs.faults;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.orzspark.datasets.io.NioLocalFileSystem;
import org.orzspark.jobs.LauncherProcess;
import org.orzspark.jobs.Orz;
import org.orzspark.testing.RepoPaths;

/**
 * A command in a JVM of its own, on the test classpath: the process a fault kills. Spark runs in
 * local mode with the test session's shape ({@code local[2]}, 4 shuffle partitions), so its rows
 * and weights are those an in-process run computes; the log configuration is the launcher's.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** The exit status and the combined output of a finished child. */
  public record Outcome(int status, String output) {}

  /** A started child, for tests that act while it runs. */
  record Running(Process process, Path log) {
    Outcome await(Duration timeout) throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            "child did not finish within " + timeout + ":\n" + Files.readString(log));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.delete(log);
      return new Outcome(process.exitValue(), output);
    }
  }

  /** Runs {@code orz args...} with these extra system properties and waits for it. */
  public static Outcome orz(Map<String, String> properties, Duration timeout, String... args)
      throws IOException, InterruptedException {
    return start(Orz.class, properties, args).await(timeout);
  }

  /** Starts {@code main} of {@code mainClass} in a fresh JVM. */
  static Running start(Class<?> mainClass, Map<String, String> properties, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // A short-lived JVM: C1 only and one GC thread halve its CPU time (Java's floating point is
    // strict at every JIT level, so its rows and weights do not change); no bytecode verification
    // of the test classpath's classes, a quarter of what is left.
    command.addAll(LauncherProcess.SHORT_LIVED_JVM_OPTIONS);
    // The module opens Spark needs, as the test JVM got them.
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(arg -> arg.startsWith("--add-opens"))
        .forEach(command::add);
    command.add("-Dai.djl.offline=true");
    command.add("-Dlog4j.configurationFile=" + RepoPaths.root().resolve("conf/log4j2.properties"));
    command.add("-Dspark.master=local[2]");
    command.add("-Dspark.sql.shuffle.partitions=4");
    command.add("-Dspark.ui.enabled=false");
    command.add("-Dspark.eventLog.enabled=false");
    command.add("-Dspark.driver.host=127.0.0.1");
    command.add("-Dspark.driver.bindAddress=127.0.0.1");
    // Local files as the launcher's local mode reaches them (conf/spark-local.conf).
    command.add("-Dspark.hadoop.fs.file.impl=" + NioLocalFileSystem.class.getName());
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("orz-child", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().remove("SPARK_HOME");
    builder.environment().remove("SPARK_CONF_DIR");
    return new Running(builder.start(), log);
  }
}
