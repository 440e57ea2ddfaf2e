package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.evaluation.Evaluator;
import org.orzspark.report.EvalResults;
import org.orzspark.stages.FigureRow;
import org.orzspark.testing.SharedSpark;

class EvalTableTest {
  @TempDir Path tmp;

  @Test
  void anEvaluationRowRoundTripsThroughTheEvalFoldersByName() {
    SparkSession spark = SharedSpark.session();
    Evaluator.Result result = new Evaluator.Result("math500", 30, 4, 0.5, 0.75, 0.6, 0.9);
    Path eval = tmp.resolve("eval");
    String folder =
        eval.resolve(EvalTable.checkpointFolder(3))
            .resolve(EvalTable.benchmarkFolder(result.benchmark()))
            .toString();
    FigureRow.of(spark, result.figures()).write().parquet(folder);

    EvalResults read = EvalResults.collect(spark.read().parquet(eval.toString()));
    assertThat(read.chartable()).isTrue();
    assertThat(read.schema().fieldNames())
        .containsExactly(
            "checkpoint",
            "benchmark",
            "questions",
            "samples",
            "avg_at_k",
            "pass_at_k",
            "maj_at_k",
            "format_rate");
    assertThat(read.metricColumns())
        .containsExactly(
            EvalTable.AVG_AT_K, EvalTable.PASS_AT_K, EvalTable.MAJ_AT_K, EvalTable.FORMAT_RATE);
    Row row = read.rows().get(0);
    assertThat(row.<Integer>getAs(EvalTable.CHECKPOINT)).isEqualTo(3);
    assertThat(row.<String>getAs(EvalTable.BENCHMARK)).isEqualTo("math500");
    assertThat(row.<Long>getAs(EvalTable.QUESTIONS)).isEqualTo(30L);
    assertThat(row.<Long>getAs(EvalTable.SAMPLES)).isEqualTo(4L);
    assertThat(row.<Double>getAs(EvalTable.AVG_AT_K)).isEqualTo(0.5);
    assertThat(row.<Double>getAs(EvalTable.PASS_AT_K)).isEqualTo(0.75);
    assertThat(row.<Double>getAs(EvalTable.MAJ_AT_K)).isEqualTo(0.6);
    assertThat(row.<Double>getAs(EvalTable.FORMAT_RATE)).isEqualTo(0.9);
  }
}
