package org.orzspark.jobs;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.orzspark.jobs.train.RunSession;
import org.orzspark.run.RunLayout;

/**
 * The representative application from which {@code jobs/bin/orz} makes its class data sharing
 * archive (run under {@code -XX:ArchiveClassesAtExit}, see README "The launcher"): it loads what
 * every {@code orz iterate} loads before and around its first job, so that the driver JVM maps
 * those classes instead of parsing and verifying them again per {@code spark-submit}. The
 * command-line model, a local session with the run's event log, a Parquet write and read with a
 * shuffle (Hadoop's file system, the codecs, the SQL planner and adaptive execution), and DJL's
 * PyTorch engine. It creates nothing outside the folder it is given.
 */
public final class ClassSharingWarmup {
  private ClassSharingWarmup() {}

  /** {@code args[0]}: an empty scratch folder, deleted by the caller afterwards. */
  public static void main(String[] args) throws Exception {
    long groups = run(Path.of(args[0]));
    System.out.println("class sharing warm-up: " + groups + " groups");
  }

  /**
   * Runs the warm-up in {@code scratch}.
   *
   * @return the number of groups the shuffle produced (4), so that a caller sees the jobs ran
   */
  static long run(Path scratch) throws Exception {
    Orz.commandLine();
    RunLayout run = new RunLayout(scratch.resolve("run"));
    SparkSession spark = RunSession.startNew("orz class sharing warm-up", run);
    try {
      String table = scratch.resolve("table").toUri().toString();
      spark
          .range(64)
          .selectExpr("id", "id % 4 AS k", "CAST(id AS STRING) AS s")
          .write()
          .mode(SaveMode.ErrorIfExists)
          .parquet(table);
      List<Row> groups = spark.read().parquet(table).groupBy("k").count().collectAsList();
      try (NDManager manager = NDManager.newBaseManager()) {
        manager.create(new float[] {1f, 2f}).sum().getFloat();
      }
      return groups.size();
    } finally {
      spark.stop();
    }
  }
}
