package org.orzspark.jobs.history;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.orzspark.jobs.train.RunSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz history}: a Spark History Server on 127.0.0.1 over a run's event logs ({@code
 * R/spark-events/}), until Ctrl-C, or in the background with {@code --detach} until {@code --stop}.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Spark History Server on 127.0.0.1 over a run's event logs (R/spark-events): every",
      "application of the run (init, each iteration, evaluate, analyze) with its jobs, stages and",
      "tasks. Prints its URL and runs until Ctrl-C; --detach leaves it running until --stop."
    })
public final class HistoryCommand implements Callable<Integer> {

  @Option(
      names = "--run-dir",
      required = true,
      description = "The run directory R (its event logs are in R/spark-events).")
  Path runDir;

  @Option(
      names = "--events",
      description =
          "Another folder of event logs, e.g. a site's spark.eventLog.dir (default: R/spark-events).")
  Path events;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Port of the web UI and REST API (default: ${DEFAULT-VALUE}, a free one).")
  int port;

  @Option(
      names = "--detach",
      description =
          "Return once the server is up, leaving it running until --stop (default: false).")
  boolean detach;

  @Option(
      names = "--stop",
      description = "Stop the server 'orz history' started for this run (default: false).")
  boolean stop;

  @Option(
      names = "--timeout",
      defaultValue = "90",
      description = "Seconds to wait for the server to answer (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    HistoryServerProcess server =
        new HistoryServerProcess(events != null ? events : RunSession.eventsFolder(runDir));
    if (stop) {
      Optional<Long> stopped = server.stop(Duration.ofSeconds(20));
      System.out.println(
          stopped
              .map(pid -> "history: stopped the History Server (pid " + pid + ")")
              .orElse("history: no History Server running for " + runDir));
      return 0;
    }
    Optional<HistoryServerProcess.State> running = server.running();
    if (running.isPresent()) {
      System.out.printf(
          "history: already running at %s (pid %d); stop it with --stop%n",
          running.get().url(), running.get().pid());
      return 0;
    }
    HistoryServerProcess.State state =
        server.start(
            port,
            sparkClasspath(),
            Path.of(System.getenv().getOrDefault("ORZ_HOME", ".")).resolve("conf").toAbsolutePath(),
            Duration.ofSeconds(timeoutSeconds));
    if (detach) {
      System.out.printf(
          "history: %s (pid %d); stop it with 'orz history --run-dir %s --stop'%n",
          state.url(), state.pid(), runDir);
      return 0;
    }
    System.out.printf("history: %s (pid %d); Ctrl-C stops it%n", state.url(), state.pid());
    System.out.flush();
    Thread stopOnExit =
        new Thread(
            () -> {
              try {
                server.stop(Duration.ofSeconds(10));
              } catch (Exception e) {
                System.err.println("history: could not stop the History Server: " + e);
              }
            });
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    while (server.running().isPresent()) { // until Ctrl-C, or --stop from another terminal
      Thread.sleep(1000);
    }
    System.out.println("history: the History Server stopped");
    return 0;
  }

  private static List<Path> sparkClasspath() {
    String classpath = System.getenv("ORZ_SPARK_CLASSPATH");
    if (classpath == null || classpath.isBlank()) {
      throw new IllegalArgumentException(
          "ORZ_SPARK_CLASSPATH is not set: start the History Server through jobs/bin/orz");
    }
    return Arrays.stream(classpath.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
  }
}
