package org.orzspark.stages;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import java.util.Map;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.Provenance;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSetting;

/**
 * What every stage of one iteration shares: the session, the run's layout and frozen configuration,
 * the iteration number, the checkpoint it starts from ({@code iteration - 1}) and the provenance
 * every stage record carries.
 */
public record IterationContext(SparkSession spark, RunLayout layout, RunConfig config,
    int iteration, Provenance provenance) {

  /** A context whose stage records carry no provenance. */
  public IterationContext(SparkSession spark, RunLayout layout, RunConfig config, int iteration) {
    this(spark, layout, config, iteration, null);
  }

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

  /** Whether a stage output folder is complete (has its {@code _SUCCESS} marker). */
  public boolean complete(Path folder) throws IOException {
    return AtomicOutput.isComplete(spark.sparkContext().hadoopConfiguration(), folder.toString());
  }

  /** Starts writing a stage output folder atomically, replacing an incomplete earlier attempt. */
  public AtomicOutput begin(Path folder) throws IOException {
    return AtomicOutput.beginRunFolder(spark.sparkContext().hadoopConfiguration(), folder.toString());
  }

  /** The record a stage of this iteration leaves beside its output, with the provenance. */
  public StageRecord record(String stage, double seconds, Map<String, Double> figures,
      Map<String, String> notes) {
    return new StageRecord(stage, seconds, figures, notes, provenance);
  }

  /** Names the Spark jobs of a stage "iteration N: stage" (Spark UI, logs). */
  public void jobGroup(String stage) {
    sc().setJobGroup("iteration-" + iteration + "-" + stage, "iteration " + iteration + ": " + stage,
        true);
  }
}
