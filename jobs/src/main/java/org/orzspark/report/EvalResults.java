package org.orzspark.report;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Evaluation results as read from {@code R/eval/}: one row per checkpoint × benchmark. The report
 * expects the columns {@value #CHECKPOINT} (the iteration of the checkpoint) and {@value
 * #BENCHMARK}; every other numeric column (avg@k, pass@k, maj@k, ...) is a metric charted over
 * checkpoints, one line per benchmark.
 */
public record EvalResults(StructType schema, List<Row> rows) {
  public static final String CHECKPOINT = "checkpoint";
  public static final String BENCHMARK = "benchmark";

  /** Collects the results, ordered by checkpoint and benchmark when those columns exist. */
  public static EvalResults collect(Dataset<Row> eval) {
    List<String> names = List.of(eval.columns());
    Dataset<Row> ordered =
        names.contains(CHECKPOINT) && names.contains(BENCHMARK)
            ? eval.orderBy(CHECKPOINT, BENCHMARK)
            : eval;
    return new EvalResults(eval.schema(), ordered.collectAsList());
  }

  /** Whether the results can be charted (they have the checkpoint and benchmark columns). */
  public boolean chartable() {
    List<String> names = List.of(schema.fieldNames());
    return names.contains(CHECKPOINT) && names.contains(BENCHMARK);
  }

  /** The numeric columns other than {@value #CHECKPOINT}. */
  public List<String> metricColumns() {
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (f.dataType() instanceof NumericType && !f.name().equals(CHECKPOINT)) {
        out.add(f.name());
      }
    }
    return out;
  }
}
