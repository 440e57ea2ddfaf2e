package org.orzspark.datasets.curate.filter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;

/**
 * Applies filter rules to a prompt table: each prompt gets the code of the first rule (in the order
 * given) that drops it, or none; prompts without a reason are kept, the others removed with it.
 */
public final class PromptFilter {

  public static final String REASON = "reason";

  /** The removed table: the whole prompt row plus {@code reason} (a rule code). */
  public static final StructType REMOVED_SCHEMA =
      PromptSchema.SCHEMA.add(REASON, DataTypes.StringType, false);

  /**
   * @param kept prompt rows
   * @param removed {@link #REMOVED_SCHEMA} rows
   * @param removedByReason count per rule code, every given rule listed (0 when it removed nothing)
   * @param rowsIn prompts read
   */
  public record Outcome(
      Dataset<Row> kept, Dataset<Row> removed, Map<String, Long> removedByReason, long rowsIn) {}

  private PromptFilter() {}

  public static Outcome apply(Dataset<Row> prompts, List<PromptRule> rules) {
    UserDefinedFunction reasonOf =
        udf(
            (UDF1<Row, String>) row -> reason(rules, PromptSchema.fromRow(row)),
            DataTypes.StringType);
    Column[] columns = new Column[PromptSchema.SCHEMA.fieldNames().length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = col(PromptSchema.SCHEMA.fieldNames()[i]);
    }
    Dataset<Row> judged =
        prompts
            .select(columns)
            .withColumn(REASON, reasonOf.apply(struct(columns)))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> byReason = new LinkedHashMap<>();
    rules.forEach(rule -> byReason.put(rule.code(), 0L));
    long rowsIn = 0;
    for (Row row : judged.groupBy(REASON).count().collectAsList()) {
      long rows = row.getAs("count");
      rowsIn += rows;
      String reason = row.getAs(REASON);
      if (reason != null) {
        byReason.put(reason, rows);
      }
    }
    return new Outcome(
        judged.filter(col(REASON).isNull()).drop(REASON),
        judged.filter(col(REASON).isNotNull()),
        byReason,
        rowsIn);
  }

  /** The code of the first rule that drops {@code prompt}, or null when all keep it. */
  public static String reason(List<PromptRule> rules, PromptRecord prompt) {
    for (PromptRule rule : rules) {
      if (rule.drops(prompt)) {
        return rule.code();
      }
    }
    return null;
  }
}
