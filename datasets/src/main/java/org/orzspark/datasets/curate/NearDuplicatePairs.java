package org.orzspark.datasets.curate;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;

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
}
