package org.orzspark.stages;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSetting;

/**
 * What every stage of one iteration shares: the session, the run's layout and frozen configuration,
 * the iteration number and the checkpoint it starts from ({@code iteration - 1}).
 */
public record IterationContext(
    SparkSession spark, RunLayout layout, RunConfig config, int iteration) {

  public JavaSparkContext sc() {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  /** The checkpoint this iteration's policy and critic come from. */
  public Path startCheckpoint() {
    return layout.checkpoint(iteration - 1);
  }

  public <T> T get(RunSetting<T> setting) {
    return config.get(setting);
  }

  /** Task slots of the application: what a stage can run at once. */
  public int slots() {
    return Math.max(1, spark.sparkContext().defaultParallelism());
  }

  /**
   * The check of a stage output folder against its marker: complete when it has its
   * {@code _SUCCESS} marker and every file the marker lists is there with its size.
   */
  public AtomicOutput.Check check(Path folder) throws IOException {
    return AtomicOutput.check(spark.sparkContext().hadoopConfiguration(), folder.toString());
  }

  /**
   * The Parquet files of a complete stage output, exactly those its marker lists: what a stage
   * reads of an earlier one ({@code spark.read().parquet(ctx.dataFiles(folder))}).
   */
  public String[] dataFiles(Path folder) throws IOException {
    return AtomicOutput.dataFiles(spark.sparkContext().hadoopConfiguration(), folder.toString());
  }

  /** Deletes a stage output folder (a damaged one, before it is written again). */
  public void discard(Path folder) throws IOException {
    var path = new org.apache.hadoop.fs.Path(folder.toString());
    path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
  }

  /** Starts writing a stage output folder atomically, replacing an incomplete earlier attempt. */
  public AtomicOutput begin(Path folder) throws IOException {
    return AtomicOutput.beginRunFolder(spark.sparkContext().hadoopConfiguration(), folder.toString());
  }

  /** Names the Spark jobs of a stage "iteration N: stage" (Spark UI, logs). */
  public void jobGroup(String stage) {
    sc().setJobGroup("iteration-" + iteration + "-" + stage, "iteration " + iteration + ": " + stage,
        true);
  }
}
