package org.orzspark.jobs.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.orzspark.jobs.ProcessRecord;
import org.orzspark.jobs.Processes;
import org.orzspark.timing.Deadline;

/**
 * A Spark History Server on 127.0.0.1 over one folder of event logs, as its own background JVM on
 * the Maven-resolved Spark jars (the way {@code orz cluster start} starts Master and Workers). Its
 * pid, port and log file are recorded in {@code <events>/.history-server.json} (hidden: the History
 * Server skips files whose name starts with a dot), and {@link #stop} stops exactly that process.
 */
public final class HistoryServerProcess {
  static final String HOST = "127.0.0.1";
  static final String STATE_FILE = ".history-server.json";
  static final String LOG_FILE = ".history-server.log";
  private static final String MAIN = "org.apache.spark.deploy.history.HistoryServer";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path events;

  public HistoryServerProcess(Path events) {
    this.events = events.toAbsolutePath().normalize();
  }

  /** The recorded server: its pid and port. */
  public record State(long pid, int port) {
    public String url() {
      return "http://" + HOST + ":" + port;
    }
  }

  /** The server recorded for this folder, when that process is still alive. */
  public Optional<State> running() throws IOException {
    return record().read().filter(state -> ownProcess(state.pid()).isPresent());
  }

  /**
   * Starts the server on {@code port} (0: a free one) and waits until its REST API answers.
   *
   * @param sparkClasspath the Spark jars (the launcher's {@code ORZ_SPARK_CLASSPATH})
   * @param conf the project's {@code conf/} folder (log4j configuration)
   */
  public State start(int port, List<Path> sparkClasspath, Path conf, Duration timeout)
      throws IOException, InterruptedException {
    if (!Files.isDirectory(events)) {
      throw new IllegalArgumentException(
          "no event logs in " + events + " (no such folder): run a command with --run-dir first");
    }
    int chosen = port == 0 ? freePort() : port;
    List<String> command = new ArrayList<>();
    // setsid: the server ignores the terminal's signals; orz history stops it itself.
    command.add("setsid");
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j2.properties"));
    command.add(logDirectoryOption());
    command.add("-Dspark.history.ui.port=" + chosen);
    command.add("-Dspark.history.fs.update.interval=2s");
    command.add("-cp");
    List<String> classpath = new ArrayList<>();
    classpath.add(conf.toString());
    sparkClasspath.forEach(jar -> classpath.add(jar.toString()));
    command.add(String.join(File.pathSeparator, classpath));
    command.add(MAIN);
    ProcessBuilder builder = new ProcessBuilder(command);
    // The web UI binds to SPARK_LOCAL_IP (else every interface) and names SPARK_PUBLIC_DNS.
    builder.environment().put("SPARK_LOCAL_IP", HOST);
    builder.environment().put("SPARK_PUBLIC_DNS", HOST);
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().remove("SPARK_HOME");
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.to(events.resolve(LOG_FILE).toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    State state = new State(process.pid(), chosen);
    record().write(state);
    Deadline deadline = Deadline.in(timeout);
    while (true) {
      try {
        applications(chosen);
        return state;
      } catch (IOException e) {
        if (!process.isAlive() || deadline.passed()) {
          stop(Duration.ofSeconds(5));
          throw new IOException(
              "the History Server did not come up on port "
                  + chosen
                  + " within "
                  + timeout.toSeconds()
                  + " s; see "
                  + events.resolve(LOG_FILE),
              e);
        }
        Thread.sleep(250);
      }
    }
  }

  /** Stops the recorded server, if alive; returns its pid when one was stopped. */
  public Optional<Long> stop(Duration grace) throws IOException, InterruptedException {
    Optional<State> state = record().read();
    Optional<ProcessHandle> process = state.flatMap(s -> ownProcess(s.pid()));
    if (process.isPresent()) {
      ProcessHandle handle = process.get();
      handle.destroy();
      Deadline deadline = Deadline.in(grace);
      while (handle.isAlive() && !deadline.passed()) {
        Thread.sleep(100);
      }
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
    record().delete();
    return process.map(ProcessHandle::pid);
  }

  /** The REST API's application list (JSON), for the wait above and for tests. */
  public static String applications(int port) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection)
            URI.create("http://" + HOST + ":" + port + "/api/v1/applications")
                .toURL()
                .openConnection();
    connection.setConnectTimeout(1000);
    connection.setReadTimeout(5000);
    try (var in = connection.getInputStream()) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } finally {
      connection.disconnect();
    }
  }

  /** Whether a pid is the History Server this folder started (pids are reused once gone). */
  private Optional<ProcessHandle> ownProcess(long pid) {
    return Processes.ownAlive(pid, cmd -> cmd.contains(logDirectoryOption()));
  }

  /**
   * The option naming this folder on the server's command line, also how its process is recognised
   * (near the start of the command line: a long one may be read back truncated).
   */
  private String logDirectoryOption() {
    return "-Dspark.history.fs.logDirectory=" + events.toUri();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private ProcessRecord<State> record() {
    return new ProcessRecord<>(events.resolve(STATE_FILE), State.class, "History Server record");
  }
}
