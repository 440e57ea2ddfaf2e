package org.orzspark.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.orzspark.jobs.ProcessRecord;
import org.orzspark.jobs.Processes;
import org.orzspark.timing.Deadline;

/**
 * A Spark standalone cluster on 127.0.0.1 made of one Master and N Worker JVMs started from the
 * same jars the launcher uses. It generates a {@code SPARK_HOME} (a {@code jars/} folder of links
 * to the Spark closure and a {@code conf/} folder), records the PIDs it started in {@code
 * cluster.json}, and stops exactly those processes (and the executors they spawned), nothing else.
 */
public final class StandaloneCluster {
  static final String HOST = "127.0.0.1";

  /**
   * What listens where: the master, the workers and their web UIs bind to {@link #HOST} (also their
   * {@code SPARK_LOCAL_IP}), so nothing of the cluster is reachable from another machine.
   */
  static final String BINDING =
      "bound to "
          + HOST
          + " (loopback only): master "
          + HOST
          + ", workers and web UIs reachable from this machine only";

  private static final String STATE_FILE = "cluster.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home;

  public StandaloneCluster(Path home) {
    this.home = home.toAbsolutePath().normalize();
  }

  public Path home() {
    return home;
  }

  /**
   * What to start: worker count and size, ports, fake GPUs per worker (0 = none), and the Java
   * options of the master and worker JVMs themselves (Spark's {@code SPARK_DAEMON_JAVA_OPTS}).
   */
  public record Spec(
      int workers,
      int coresPerWorker,
      String memoryPerWorker,
      int masterPort,
      int webUiPort,
      int gpusPerWorker,
      List<String> daemonJavaOptions) {
    public Spec {
      daemonJavaOptions = List.copyOf(daemonJavaOptions);
    }

    public String masterUrl() {
      return "spark://" + HOST + ":" + masterPort;
    }
  }

  /** The recorded state of a started cluster. */
  public record State(String masterUrl, int webUiPort, long masterPid, List<Long> workerPids) {}

  /** A snapshot for {@code orz cluster status}. */
  public record Status(
      State state, boolean masterAlive, int workersAlive, int workersRegistered, String message) {
    public boolean healthy() {
      return masterAlive
          && workersAlive == state.workerPids().size()
          && workersRegistered == state.workerPids().size();
    }
  }

  /**
   * Starts the master and workers and waits until every worker has registered.
   *
   * @param sparkClasspath the Spark jars (the launcher's {@code ORZ_SPARK_CLASSPATH})
   * @param conf the project's {@code conf/} folder (log4j configuration, GPU discovery script)
   */
  public State start(Spec spec, List<Path> sparkClasspath, Path conf, Duration timeout)
      throws IOException, InterruptedException {
    Optional<State> running = record().read().filter(this::anyAlive);
    if (running.isPresent()) {
      throw new IllegalArgumentException(
          "a cluster started from "
              + home
              + " is still running ("
              + running.get().masterUrl()
              + "); run 'orz cluster stop' first");
    }
    prepareSparkHome(sparkClasspath, conf);
    Process master =
        launch(
            "master",
            List.of(
                "org.apache.spark.deploy.master.Master",
                "--host",
                HOST,
                "--port",
                Integer.toString(spec.masterPort()),
                "--webui-port",
                Integer.toString(spec.webUiPort())),
            Map.of(),
            spec.daemonJavaOptions());
    List<Long> workerPids = new ArrayList<>();
    State state = new State(spec.masterUrl(), spec.webUiPort(), master.pid(), workerPids);
    record().write(state);
    waitForMaster(spec, timeout);
    for (int i = 0; i < spec.workers(); i++) {
      Path workDir = Files.createDirectories(home.resolve("work").resolve("worker-" + i));
      List<String> jvmOptions = new ArrayList<>(spec.daemonJavaOptions());
      Map<String, String> env = Map.of();
      if (spec.gpusPerWorker() > 0) {
        jvmOptions.add("-Dspark.worker.resource.gpu.amount=" + spec.gpusPerWorker());
        jvmOptions.add(
            "-Dspark.worker.resource.gpu.discoveryScript=" + conf.resolve("gpu-discovery.sh"));
        env = Map.of("ORZ_FAKE_GPUS", fakeGpuAddresses(i, spec.gpusPerWorker()));
      }
      Process worker =
          launch(
              "worker-" + i,
              List.of(
                  "org.apache.spark.deploy.worker.Worker",
                  "--host",
                  HOST,
                  "--cores",
                  Integer.toString(spec.coresPerWorker()),
                  "--memory",
                  spec.memoryPerWorker(),
                  "--work-dir",
                  workDir.toString(),
                  "--webui-port",
                  "0",
                  spec.masterUrl()),
              env,
              jvmOptions);
      workerPids.add(worker.pid());
      record().write(state);
    }
    waitForWorkers(state, spec.workers(), timeout);
    return state;
  }

  /** Stops the recorded processes and their descendants; returns the PIDs that were stopped. */
  public List<Long> stop(Duration grace) throws IOException, InterruptedException {
    Optional<State> state = record().read();
    if (state.isEmpty()) {
      return List.of();
    }
    List<ProcessHandle> started = new ArrayList<>();
    for (long pid : allPids(state.get())) {
      ownProcess(pid).ifPresent(started::add);
    }
    List<ProcessHandle> all = new ArrayList<>();
    for (ProcessHandle process : started) {
      process.descendants().forEach(all::add);
      all.add(process);
    }
    all.forEach(ProcessHandle::destroy);
    Deadline deadline = Deadline.in(grace);
    for (ProcessHandle process : all) {
      while (process.isAlive() && !deadline.passed()) {
        Thread.sleep(100);
      }
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    record().delete();
    return all.stream().map(ProcessHandle::pid).toList();
  }

  public Optional<Status> status() throws IOException {
    Optional<State> maybeState = record().read();
    if (maybeState.isEmpty()) {
      return Optional.empty();
    }
    State state = maybeState.get();
    boolean masterAlive = ownProcess(state.masterPid()).isPresent();
    int workersAlive =
        (int) state.workerPids().stream().filter(pid -> ownProcess(pid).isPresent()).count();
    int registered = -1;
    String message;
    try {
      registered = aliveWorkers(state.webUiPort());
      message = "master " + state.masterUrl() + ", " + registered + " worker(s) registered";
    } catch (IOException e) {
      message = "master web UI not reachable on port " + state.webUiPort() + ": " + e.getMessage();
    }
    return Optional.of(new Status(state, masterAlive, workersAlive, registered, message));
  }

  /** Whether a process is one this cluster started (PIDs are reused once a process is gone). */
  private Optional<ProcessHandle> ownProcess(long pid) {
    return Processes.ownAlive(
        pid, cmd -> cmd.contains(home.toString()) && cmd.contains("org.apache.spark.deploy"));
  }

  private boolean anyAlive(State state) {
    return allPids(state).stream().anyMatch(pid -> ownProcess(pid).isPresent());
  }

  private static List<Long> allPids(State state) {
    List<Long> pids = new ArrayList<>(state.workerPids());
    pids.add(state.masterPid());
    return pids;
  }

  private static String fakeGpuAddresses(int worker, int count) {
    List<String> addresses = new ArrayList<>();
    for (int g = 0; g < count; g++) {
      addresses.add(Integer.toString(worker * count + g));
    }
    return String.join(",", addresses);
  }

  private void prepareSparkHome(List<Path> sparkClasspath, Path conf) throws IOException {
    Path sparkHome = home.resolve("spark-home");
    Path jars = sparkHome.resolve("jars");
    if (Files.isDirectory(jars)) {
      try (var old = Files.list(jars)) {
        for (Path link : old.toList()) {
          Files.delete(link);
        }
      }
    }
    Files.createDirectories(jars);
    for (Path jar : sparkClasspath) {
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
    Path sparkConf = Files.createDirectories(sparkHome.resolve("conf"));
    Files.copy(
        conf.resolve("log4j2.properties"),
        sparkConf.resolve("log4j2.properties"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(home.resolve("logs"));
  }

  private Process launch(
      String name, List<String> mainAndArgs, Map<String, String> env, List<String> jvmOptions)
      throws IOException {
    Path sparkHome = home.resolve("spark-home");
    List<String> command = new ArrayList<>();
    // setsid: the daemons outlive the launcher and ignore its terminal's signals.
    command.add("setsid");
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Dlog4j.configurationFile=" + sparkHome.resolve("conf/log4j2.properties"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(sparkHome.resolve("conf") + File.pathSeparator + sparkHome.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.put("SPARK_HOME", sparkHome.toString());
    environment.put("SPARK_SCALA_VERSION", "2.13");
    environment.put("SPARK_LOCAL_IP", HOST);
    environment.put("SPARK_LOG_DIR", home.resolve("logs").toString());
    environment.put("OPT_OUT_TRACKING", "true");
    environment.put("DJL_OFFLINE", "true");
    environment.putIfAbsent(
        "DJL_CACHE_DIR", Path.of(System.getProperty("user.home"), ".djl.ai").toString());
    environment.putAll(env);
    File log = home.resolve("logs").resolve(name + ".log").toFile();
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return builder.start();
  }

  private void waitForMaster(Spec spec, Duration timeout) throws InterruptedException, IOException {
    Deadline deadline = Deadline.in(timeout);
    while (true) {
      try {
        aliveWorkers(spec.webUiPort());
        return;
      } catch (IOException e) {
        if (deadline.passed()) {
          throw new IOException(
              "master did not come up within "
                  + timeout.toSeconds()
                  + " s; see "
                  + home.resolve("logs/master.log"),
              e);
        }
        Thread.sleep(250);
      }
    }
  }

  private void waitForWorkers(State state, int expected, Duration timeout)
      throws InterruptedException, IOException {
    Deadline deadline = Deadline.in(timeout);
    int registered = 0;
    while (!deadline.passed()) {
      registered = aliveWorkers(state.webUiPort());
      if (registered >= expected) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IOException(
        registered
            + " of "
            + expected
            + " workers registered within "
            + timeout.toSeconds()
            + " s; see "
            + home.resolve("logs"));
  }

  /** The master's count of ALIVE workers, from its web UI's JSON endpoint. */
  static int aliveWorkers(int webUiPort) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection)
            URI.create("http://" + HOST + ":" + webUiPort + "/json/").toURL().openConnection();
    connection.setConnectTimeout(1000);
    connection.setReadTimeout(2000);
    try (var in = connection.getInputStream()) {
      JsonNode root = JSON.readTree(in);
      return root.path("aliveworkers").asInt(0);
    } finally {
      connection.disconnect();
    }
  }

  private ProcessRecord<State> record() {
    return new ProcessRecord<>(home.resolve(STATE_FILE), State.class, "cluster state");
  }
}
