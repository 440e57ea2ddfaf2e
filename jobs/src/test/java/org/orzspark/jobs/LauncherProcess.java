package org.orzspark.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.orzspark.testing.RepoPaths;

/** Runs {@code jobs/bin/orz} as a user would, for integration tests. */
public final class LauncherProcess {
  private LauncherProcess() {}

  /**
   * The Java options of a short-lived test JVM, one per element: C1 only, the serial collector, no
   * bytecode verification of the (trusted) classpath.
   */
  public static final List<String> SHORT_LIVED_JVM_OPTIONS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-XX:+UnlockDiagnosticVMOptions",
          "-XX:-BytecodeVerificationRemote");

  /**
   * {@link #SHORT_LIVED_JVM_OPTIONS} on one line: the driver's Java options of every run here
   * unless the test gives SPARK_SUBMIT_OPTS.
   */
  public static final String SHORT_LIVED_JVM = String.join(" ", SHORT_LIVED_JVM_OPTIONS);

  /** Exit code and combined console output of one launcher run. */
  public record Outcome(int exitCode, String output) {}

  /**
   * A copy at {@code checkout} of what the launcher needs to run without building (launcher, jar,
   * classpath, conf/): a checkout of its own, whose snapshots and archives no other test touches.
   *
   * @return {@code checkout}
   */
  public static Path copyCheckout(Path checkout) throws IOException {
    Path root = RepoPaths.root();
    Files.createDirectories(checkout.resolve("jobs/bin"));
    Files.createDirectories(checkout.resolve("jobs/target"));
    Files.copy(
        root.resolve("jobs/bin/orz"),
        checkout.resolve("jobs/bin/orz"),
        StandardCopyOption.COPY_ATTRIBUTES);
    for (String file : new String[] {"orz-app.jar", "spark-classpath.txt"}) {
      Files.copy(
          root.resolve("jobs/target").resolve(file),
          checkout.resolve("jobs/target").resolve(file),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    try (Stream<Path> conf = Files.walk(root.resolve("conf"))) {
      for (Path source : conf.toList()) {
        Path target = checkout.resolve(root.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return checkout;
  }

  /** {@code orz synth --count 5 --output <output>}, then {@code more}, from {@code checkout}. */
  public static Outcome synth(
      Path checkout, Map<String, String> environment, Duration timeout, Path output, String... more)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("synth", "--count", "5", "--output", output.toString()));
    args.addAll(List.of(more));
    return run(checkout, environment, timeout, args.toArray(String[]::new));
  }

  public static Outcome run(Duration timeout, String... args)
      throws IOException, InterruptedException {
    return run(RepoPaths.root(), Map.of(), timeout, args);
  }

  /**
   * Runs {@code <checkout>/jobs/bin/orz} from that checkout with these environment changes (an
   * empty value removes the variable); SPARK_HOME and SPARK_CONF_DIR are removed, and
   * SPARK_SUBMIT_OPTS and SPARK_DAEMON_JAVA_OPTS are {@link #SHORT_LIVED_JVM} unless given.
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
    // Each command's driver lives seconds: C1 only, one GC thread and no bytecode verification,
    // as ChildJvm's (Java's floating point is strict at every JIT level, so no row or weight
    // changes).
    env.put("SPARK_SUBMIT_OPTS", SHORT_LIVED_JVM);
    // So do a test cluster's master and workers (orz cluster start), idle most of their life.
    env.put("SPARK_DAEMON_JAVA_OPTS", SHORT_LIVED_JVM);
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
