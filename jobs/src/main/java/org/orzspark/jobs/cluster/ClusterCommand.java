package org.orzspark.jobs.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code orz cluster start|stop|status|check}: a real Spark standalone cluster on 127.0.0.1. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "A Spark standalone cluster on 127.0.0.1 for runs on several executors.",
      "Master and workers start from the project's jars; run any job on it with",
      "-- --master spark://127.0.0.1:7077."
    },
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Status.class,
      ClusterCheck.class
    })
public final class ClusterCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Where the cluster keeps its generated SPARK_HOME, logs and PID records. */
  static final class HomeOption {
    @Option(
        names = "--home",
        description =
            "Cluster folder: generated SPARK_HOME, logs, PIDs (default: ${DEFAULT-VALUE}).",
        defaultValue = "${env:ORZ_HOME:-.}/.cluster")
    Path home;

    StandaloneCluster cluster() {
      return new StandaloneCluster(home);
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Start a Master and N workers on 127.0.0.1 and wait until all registered.",
        "SPARK_DAEMON_JAVA_OPTS, as for Spark's own scripts, holds Java options of the",
        "master and worker JVMs themselves (not of executors: spark.executor.extraJavaOptions)."
      })
  static final class Start implements Callable<Integer> {
    @Mixin HomeOption home;

    @Option(
        names = "--workers",
        defaultValue = "2",
        description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
        names = "--cores",
        defaultValue = "1",
        description = "Cores per worker (default: ${DEFAULT-VALUE}).")
    int cores;

    @Option(
        names = "--memory",
        defaultValue = "3g",
        description = "Memory per worker (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(
        names = "--port",
        defaultValue = "7077",
        description = "Master port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--webui-port",
        defaultValue = "8080",
        description = "Master web UI port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(
        names = "--fake-gpus",
        defaultValue = "0",
        description = {
          "GPUs each worker pretends to own through conf/gpu-discovery.sh (default: ${DEFAULT-VALUE});",
          "exercises GPU-aware placement without a GPU."
        })
    int fakeGpus;

    @Option(
        names = "--timeout",
        defaultValue = "90",
        description = "Seconds to wait for registration (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      List<Path> sparkJars = sparkClasspath();
      Path conf = Path.of(System.getenv().getOrDefault("ORZ_HOME", ".")).resolve("conf");
      StandaloneCluster cluster = home.cluster();
      StandaloneCluster.State state =
          cluster.start(
              new StandaloneCluster.Spec(
                  workers, cores, memory, port, webUiPort, fakeGpus, daemonJavaOptions()),
              sparkJars,
              conf.toAbsolutePath(),
              Duration.ofSeconds(timeoutSeconds));
      System.out.printf(
          "cluster up: %s with %d worker(s) (master pid %d, worker pids %s); web UI http://%s:%d%n"
              + "%s%nrun a job on it: jobs/bin/orz <command> ... --master %s%n",
          state.masterUrl(),
          workers,
          state.masterPid(),
          state.workerPids(),
          StandaloneCluster.HOST,
          webUiPort,
          StandaloneCluster.BINDING,
          state.masterUrl());
      return 0;
    }

    /** {@code SPARK_DAEMON_JAVA_OPTS}, split at white space (as Spark's scripts pass it). */
    static List<String> daemonJavaOptions() {
      String options = System.getenv().getOrDefault("SPARK_DAEMON_JAVA_OPTS", "").strip();
      return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    private static List<Path> sparkClasspath() {
      String classpath = System.getenv("ORZ_SPARK_CLASSPATH");
      if (classpath == null || classpath.isBlank()) {
        throw new IllegalArgumentException(
            "ORZ_SPARK_CLASSPATH is not set: start the cluster through jobs/bin/orz");
      }
      return Arrays.stream(classpath.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop exactly the processes 'cluster start' started (and their executors).")
  static final class Stop implements Callable<Integer> {
    @Mixin HomeOption home;

    @Override
    public Integer call() throws Exception {
      List<Long> stopped = home.cluster().stop(Duration.ofSeconds(20));
      System.out.println(
          stopped.isEmpty() ? "no cluster running from " + home.home : "stopped pids " + stopped);
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show whether the master and workers are alive and registered (exit 1 if not).")
  static final class Status implements Callable<Integer> {
    @Mixin HomeOption home;

    @Override
    public Integer call() throws Exception {
      var status = home.cluster().status();
      if (status.isEmpty()) {
        System.out.println("no cluster started from " + home.home);
        return 1;
      }
      System.out.print(report(status.get()));
      return status.get().healthy() ? 0 : 1;
    }

    /** The status lines: health, then where the cluster listens. */
    static String report(StandaloneCluster.Status s) {
      return String.format(
          "%s; master pid %d %s; workers alive %d/%d%n%s%n",
          s.message(),
          s.state().masterPid(),
          s.masterAlive() ? "alive" : "gone",
          s.workersAlive(),
          s.state().workerPids().size(),
          StandaloneCluster.BINDING);
    }
  }
}
