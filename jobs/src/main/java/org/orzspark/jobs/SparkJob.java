package org.orzspark.jobs;

import java.io.IOException;
import org.apache.spark.sql.SparkSession;

/**
 * A one-shot Spark command: it runs in the session spark-submit made (or a local one) and prints
 * one summary line.
 */
public final class SparkJob {

  /** The command's work in a session; returns the summary the console shows. */
  @FunctionalInterface
  public interface Work {
    String run(SparkSession spark) throws IOException;
  }

  private SparkJob() {}

  /** Runs {@code work} in the application {@code appName} and prints its summary; exit status 0. */
  public static int printSummary(String appName, Work work) throws IOException {
    SparkSession spark = SparkSession.builder().appName(appName).getOrCreate();
    System.out.println(work.run(spark));
    return 0;
  }
}
