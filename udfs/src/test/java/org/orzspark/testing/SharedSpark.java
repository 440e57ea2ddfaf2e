package org.orzspark.testing;

import org.apache.spark.sql.SparkSession;

/**
 * One local[2] Spark session for all tests of a JVM (Spark's own SharedSparkSession habit):
 * starting a session costs seconds, so tests share it and never stop it.
 */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("orz-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }
}
