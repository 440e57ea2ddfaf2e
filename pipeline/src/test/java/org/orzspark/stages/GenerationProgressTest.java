package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.SharedSpark;

class GenerationProgressTest {

  @Test
  void countsWhatTasksReportAndPrintsAFinalBar() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext());
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    long[] counts;
    try (GenerationProgress progress =
        new GenerationProgress(
            sc.sc(), "test", 6, new PrintStream(console, true, StandardCharsets.UTF_8))) {
      LongAccumulator sequences = progress.sequences();
      LongAccumulator tokens = progress.tokens();
      sc.parallelize(List.of(1, 2, 3, 4, 5, 6), 3)
          .foreach(
              n -> {
                sequences.add(1);
                tokens.add(n * 10L);
              });
      waitForListener(progress);
      counts = progress.counts();
    }
    assertThat(counts).containsExactly(6, 210);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("[##############################] 6/6 sequences, 210 tokens");
  }

  /** Task-end events reach listeners asynchronously, shortly after the job returns. */
  private static void waitForListener(GenerationProgress progress) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (progress.counts()[0] < 6 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }
}
