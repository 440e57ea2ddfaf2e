package org.orzspark.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.orzspark.run.EvalTable;

/**
 * Evaluation results as read from {@code R/eval/} ({@link EvalTable}): one row per checkpoint ×
 * benchmark. The report expects the columns {@value EvalTable#CHECKPOINT} (the iteration of the
 * checkpoint) and {@value EvalTable#BENCHMARK} ({@code orz evaluate} writes them as the partition
 * folders); the {@link EvalTable#COUNTS} say what was evaluated, and every other numeric column
 * (avg@k, pass@k, maj@k, ...) is a metric charted over checkpoints, one line per benchmark.
 */
public record EvalResults(StructType schema, List<Row> rows) {
  /**
   * Collects the results: {@value EvalTable#CHECKPOINT} and {@value EvalTable#BENCHMARK} first,
   * {@link EvalTable#COUNTS} as whole numbers, rows ordered by checkpoint and benchmark when those
   * columns exist.
   */
  public static EvalResults collect(Dataset<Row> eval) {
    List<String> names = List.of(eval.columns());
    List<Column> columns = new ArrayList<>();
    for (String key : List.of(EvalTable.CHECKPOINT, EvalTable.BENCHMARK)) {
      if (names.contains(key)) {
        columns.add(col(key));
      }
    }
    for (String name : names) {
      if (!name.equals(EvalTable.CHECKPOINT) && !name.equals(EvalTable.BENCHMARK)) {
        columns.add(EvalTable.COUNTS.contains(name) ? col(name).cast("long").as(name) : col(name));
      }
    }
    Dataset<Row> selected = eval.select(columns.toArray(Column[]::new));
    Dataset<Row> ordered =
        names.contains(EvalTable.CHECKPOINT) && names.contains(EvalTable.BENCHMARK)
            ? selected.orderBy(EvalTable.CHECKPOINT, EvalTable.BENCHMARK)
            : selected;
    return new EvalResults(selected.schema(), ordered.collectAsList());
  }

  /** Whether the results can be charted (they have the checkpoint and benchmark columns). */
  public boolean chartable() {
    List<String> names = List.of(schema.fieldNames());
    return names.contains(EvalTable.CHECKPOINT) && names.contains(EvalTable.BENCHMARK);
  }

  /** The numeric columns other than {@value EvalTable#CHECKPOINT} and {@link EvalTable#COUNTS}. */
  public List<String> metricColumns() {
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (f.dataType() instanceof NumericType
          && !f.name().equals(EvalTable.CHECKPOINT)
          && !EvalTable.COUNTS.contains(f.name())) {
        out.add(f.name());
      }
    }
    return out;
  }
}
