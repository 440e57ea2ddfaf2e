package org.orzspark.datasets.curate;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.storage.StorageLevel;

/**
 * What a near-duplicate detector found.
 *
 * @param method {@link RemovedDuplicates#MINHASH} or {@link RemovedDuplicates#EMBEDDING}
 * @param pairs similar pairs: {@link ConnectedComponents#SRC}, {@link ConnectedComponents#DST}
 *     (prompt ids, src &lt; dst), {@code similarity}
 * @param vectors {@code prompt_id}, {@code vector}: the representation the similarity is measured
 *     on
 * @param similarity a UDF (vector, vector) → double giving that similarity
 */
public record NearDuplicatePairs(
    String method, Dataset<Row> pairs, Dataset<Row> vectors, UserDefinedFunction similarity) {

  public static final String VECTOR = "vector";
  public static final String SIMILARITY = "similarity";

  /**
   * The pairs of {@code scored} whose similarity is at least {@code threshold}, cached because the
   * grouping reads them again, their number put in {@code counts} under {@code countName}.
   */
  static Dataset<Row> atLeast(
      Dataset<Row> scored, double threshold, String countName, Map<String, Long> counts) {
    Dataset<Row> similar =
        scored.filter(col(SIMILARITY).geq(threshold)).persist(StorageLevel.MEMORY_AND_DISK());
    counts.put(countName, similar.count());
    return similar;
  }
}
