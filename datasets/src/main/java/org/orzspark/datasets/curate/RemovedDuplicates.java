package org.orzspark.datasets.curate;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.datasets.PromptSchema;

/**
 * The table of prompts a deduplication removed ({@code DIR/_removed/}): the whole prompt row
 * ({@link PromptSchema}), so nothing is lost, plus why.
 *
 * <pre>
 * duplicate_of     string   prompt_id of the kept representative of its group
 * method           string   exact | minhash | embedding
 * similarity       double   to the representative: 1 (exact), Jaccard of shingles, cosine of embeddings
 * answer_conflict  boolean  its ground truth disagrees with the representative's (reward verifier)
 * </pre>
 */
public final class RemovedDuplicates {

  public static final String DUPLICATE_OF = "duplicate_of";
  public static final String METHOD = "method";
  public static final String SIMILARITY = "similarity";
  public static final String ANSWER_CONFLICT = "answer_conflict";

  public static final String EXACT = "exact";
  public static final String MINHASH = "minhash";
  public static final String EMBEDDING = "embedding";

  public static final StructType SCHEMA =
      PromptSchema.SCHEMA
          .add(DUPLICATE_OF, DataTypes.StringType, false)
          .add(METHOD, DataTypes.StringType, false)
          .add(SIMILARITY, DataTypes.DoubleType, false)
          .add(ANSWER_CONFLICT, DataTypes.BooleanType, false);

  private RemovedDuplicates() {}
}
