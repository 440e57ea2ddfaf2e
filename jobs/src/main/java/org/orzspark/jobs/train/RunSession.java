package org.orzspark.jobs.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;

/**
 * The Spark session of a command that works on a run directory ({@code init}, {@code iterate} and
 * so each iteration of {@code train}, {@code evaluate --run-dir}, {@code analyze}): Spark's event
 * log is on, into {@code R/spark-events/}, so that {@code orz history} shows the application's
 * jobs, stages and tasks after it ended.
 *
 * <p>Precedence, resolved here only: a {@code spark.eventLog.enabled} or {@code spark.eventLog.dir}
 * the user gave wins, from wherever spark-submit took it ({@code --conf}, {@code
 * --properties-file}, the site's {@code spark-defaults.conf}: all of them reach the driver's {@link
 * SparkConf}). So {@code --conf spark.eventLog.enabled=false} turns the log off, and a {@code
 * spark.eventLog.dir} (a site's history folder) moves it, the user creating that folder. Otherwise:
 * enabled, into {@code R/spark-events/}, created here (Spark refuses to start on a missing log
 * folder). A folder without {@code run.json} gets no event log (the command then reports the
 * missing run), so a mistyped path is left as it was; {@code orz init} starts through {@link
 * #startNew}.
 */
public final class RunSession {
  /** The run directory's folder of event logs. */
  public static final String EVENTS_FOLDER = "spark-events";

  static final String ENABLED = "spark.eventLog.enabled";
  static final String DIR = "spark.eventLog.dir";

  private RunSession() {}

  /** The run's event-log folder, {@code R/spark-events}. */
  public static org.apache.hadoop.fs.Path eventsFolder(RunLayout run) {
    return new org.apache.hadoop.fs.Path(run.root(), EVENTS_FOLDER);
  }

  /** The event-log folder of a local run ({@code orz history} serves local folders). */
  public static Path eventsFolder(Path runDir) {
    return Path.of(eventsFolder(new RunLayout(runDir)).toUri().getPath());
  }

  /** The session of a command on an existing run, event log on unless the user said else. */
  public static SparkSession start(String appName, RunLayout run) throws IOException {
    return start(appName, run, RunStore.open(RunStore.hadoopConf(), run).exists(run.runJson()));
  }

  /** The session of {@code orz init}, which creates the run directory for its event log. */
  public static SparkSession startNew(String appName, RunLayout run) throws IOException {
    RunStore.open(RunStore.hadoopConf(), run).mkdirs(run.root());
    return start(appName, run, true);
  }

  private static SparkSession start(String appName, RunLayout run, boolean eventLogged)
      throws IOException {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (eventLogged) {
      Map<String, String> eventLog = eventLogConf(new SparkConf(), run);
      if (eventLog.containsKey(DIR)) {
        RunStore.open(RunStore.hadoopConf(), run).mkdirs(eventsFolder(run));
      }
      eventLog.forEach(builder::config);
    }
    return builder.getOrCreate();
  }

  /**
   * The event-log settings to add to {@code given} (the user's): none the user set, the log enabled
   * unless set, its folder {@code R/spark-events} unless set or the log is off.
   */
  static Map<String, String> eventLogConf(SparkConf given, RunLayout run) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (!given.contains(ENABLED)) {
      conf.put(ENABLED, "true");
    }
    boolean enabled = Boolean.parseBoolean(given.get(ENABLED, "true").trim());
    if (enabled && !given.contains(DIR)) {
      conf.put(DIR, eventsFolder(run).toString());
    }
    return conf;
  }
}
