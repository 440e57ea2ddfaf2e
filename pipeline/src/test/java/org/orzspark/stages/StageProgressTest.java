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

class StageProgressTest {

  @Test
  void countsWhatTasksReportAndPrintsAFinalBarAtTheTotal() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext());
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    long[] counts;
    try (StageProgress progress =
        new StageProgress(
            sc.sc(),
            "test",
            StageProgress.Counting.GENERATION,
            6,
            new PrintStream(console, true, StandardCharsets.UTF_8))) {
      LongAccumulator sequences = progress.done();
      LongAccumulator tokens = progress.tokens();
      sc.parallelize(List.of(1, 2, 3, 4, 5, 6), 3)
          .foreach(
              n -> {
                sequences.add(1);
                tokens.add(n * 10L);
              });
      // No wait for the listener: finished tasks count as soon as the job returns.
      counts = progress.counts();
    }
    assertThat(counts).containsExactly(6, 210);
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("[##############################] 6/6 sequences, 210 tokens");
  }

  @Test
  void closingTwicePrintsOneFinalLine() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    StageProgress progress =
        new StageProgress(
            SharedSpark.session().sparkContext(),
            "twice",
            StageProgress.Counting.UPDATE,
            0,
            new PrintStream(console, true, StandardCharsets.UTF_8));
    progress.close();
    progress.close();
    assertThat(console.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("  updating [##############################] 0/0 optimizer steps");
  }

  @Test
  void linesSayWhatTheStageCountsAndTheTimeLeft() {
    // 3 of 12 steps in 6 s: 2 s a step, 9 steps left.
    assertThat(StageProgress.line(StageProgress.Counting.UPDATE, 3, 12, 0, 6.0, false))
        .isEqualTo("  updating [########......................] 3/12 optimizer steps, ETA 18 s");
    assertThat(StageProgress.line(StageProgress.Counting.EXPERIENCE, 40, 40, 0, 5.0, true))
        .isEqualTo("  experience [##############################] 40/40 sequences");
    // 12k tokens in 4 s: 3000 tok/s; a quarter done in 4 s leaves 12 s.
    assertThat(StageProgress.line(StageProgress.Counting.GENERATION, 2, 8, 12_000, 4.0, false))
        .isEqualTo(
            "  generating [########......................] 2/8 sequences, 12.0k tokens, 3000 tok/s,"
                + " ETA 12 s");
  }
}
