package org.orzspark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.orzspark.analysis.SyntheticRun.rollout;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.SharedSpark;

/** Analysis trusts a rollouts folder only as far as its verifiable marker lists it. */
class CompleteIterationsTest {
  private static final String ANSWER = " </think> <answer> \\boxed{4} </answer>";

  @Test
  void readsOnlyListedFilesAndReportsADamagedIteration(@TempDir Path tmp) throws IOException {
    SparkSession spark = SharedSpark.session();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    RunLayout layout = new RunLayout(tmp.resolve("run"));
    commit(spark, layout, 1, List.of(rollout("a", 0, "x" + ANSWER, 10, 1f, true)));
    commit(spark, layout, 2, List.of(rollout("a", 0, "y" + ANSWER, 20, 0f, true)));
    Path one = LocalRuns.local(layout.rollouts(1));
    Path two = LocalRuns.local(layout.rollouts(2));
    // A file the marker does not list (a stray copy) is not part of iteration 1.
    Files.copy(parquetIn(one), one.resolve("part-stray.parquet"));
    // Iteration 2's listed file loses its last byte: damaged, never read.
    try (RandomAccessFile file = new RandomAccessFile(parquetIn(two).toFile(), "rw")) {
      file.setLength(file.length() - 1);
    }

    RunAnalysis analysis = RunAnalysis.open(spark, layout, false);
    CompleteIterations iterations = analysis.rolloutIterations();
    assertThat(iterations.complete()).containsOnlyKeys(1);
    assertThat(iterations.complete().get(1)).hasSize(1).noneMatch(f -> f.contains("stray"));
    assertThat(iterations.incomplete()).isEmpty();
    assertThat(iterations.damaged()).containsOnlyKeys(2);
    assertThat(iterations.describeDamaged()).startsWith("2 (part-").contains("bytes, its marker");

    List<IterationStats> stats = analysis.iterationStats(StepMoments.Rule.DEFAULT);
    assertThat(stats).extracting(IterationStats::iteration).containsExactly(1);
    assertThat(stats.get(0).value(IterationMetrics.RESPONSES)).isEqualTo(1.0);
    assertThat(AtomicOutput.check(conf, layout.rollouts(1).toString()).verified()).isTrue();
  }

  private static void commit(SparkSession spark, RunLayout layout, int iteration, List<Row> rows)
      throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try (AtomicOutput out =
        AtomicOutput.beginRunFolder(conf, layout.rollouts(iteration).toString())) {
      out.writeParquet(spark.createDataFrame(rows, RolloutTable.ROLLOUTS).coalesce(1), "");
      out.commit();
    }
  }

  private static Path parquetIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".parquet"))
          .findFirst()
          .orElseThrow();
    }
  }
}
