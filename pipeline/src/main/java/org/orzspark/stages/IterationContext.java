package org.orzspark.stages;

import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.StoreCosts;
import org.orzspark.run.Provenance;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSetting;
import org.orzspark.run.RunStore;

/**
 * What every stage of one iteration shares: the session, the run's store (its layout) and frozen
 * configuration, the iteration number, the checkpoint it starts from ({@code iteration - 1}) and
 * the provenance every stage record carries.
 */
public record IterationContext(
    SparkSession spark, RunStore store, RunConfig config, int iteration, Provenance provenance) {

  /** A context whose stage records carry no provenance. */
  public IterationContext(SparkSession spark, RunStore store, RunConfig config, int iteration) {
    this(spark, store, config, iteration, null);
  }

  public RunLayout layout() {
    return store.layout();
  }

  public JavaSparkContext sc() {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  /** The checkpoint this iteration's policy and critic come from. */
  public Path startCheckpoint() {
    return layout().checkpoint(iteration - 1);
  }

  /** A folder of the start checkpoint ({@code policy}, {@code critic}), as executors locate it. */
  public String startCheckpoint(String part) {
    return new Path(startCheckpoint(), part).toString();
  }

  /** The {@link StageRecord} a completed stage left in {@code folder}. */
  public StageRecord record(Path folder) throws IOException {
    return recordFile(new Path(folder, StageRecord.FILE));
  }

  /** A {@link StageRecord} file. */
  public StageRecord recordFile(Path file) throws IOException {
    try (StoreCosts.Scope timed = StoreCosts.time(StoreCosts.Kind.RECORDS)) {
      return readRecord(file);
    }
  }

  private StageRecord readRecord(Path file) throws IOException {
    return StageRecord.fromJson(store.read(file));
  }

  public <T> T get(RunSetting<T> setting) {
    return config.get(setting);
  }

  /** Task slots of the application: what a stage can run at once. */
  public int slots() {
    return Math.max(1, spark.sparkContext().defaultParallelism());
  }

  /**
   * The check of a stage output folder against its marker: complete when it has its {@code
   * _SUCCESS} marker and every file the marker lists is there with its size.
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
    store.delete(folder);
  }

  /** Starts writing a stage output folder atomically, replacing an incomplete earlier attempt. */
  public AtomicOutput begin(Path folder) throws IOException {
    return AtomicOutput.beginRunFolder(
        spark.sparkContext().hadoopConfiguration(), folder.toString());
  }

  /** The record a stage of this iteration leaves beside its output, with the provenance. */
  public StageRecord newRecord(
      String stage, double seconds, Map<String, Double> figures, Map<String, String> notes) {
    return new StageRecord(stage, seconds, figures, notes, provenance);
  }

  /** Names the Spark jobs of a stage "iteration N: stage" (Spark UI, logs). */
  public void jobGroup(String stage) {
    sc().setJobGroup(
            "iteration-" + iteration + "-" + stage, "iteration " + iteration + ": " + stage, true);
  }
}
