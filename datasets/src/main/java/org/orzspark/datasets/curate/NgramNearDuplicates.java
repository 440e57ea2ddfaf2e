package org.orzspark.datasets.curate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.udf;

import java.util.Arrays;
import java.util.Map;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.orzspark.datasets.PromptSchema;
import scala.collection.Seq;

/**
 * Near-duplicates by n-gram shingles: each question becomes the set of its shingles ({@link
 * Shingler}, a binary sparse vector), Spark ML's {@link MinHashLSH} computes {@code bands × rows}
 * min-hashes per question, questions sharing all rows of a band become candidates ({@link
 * MinHashBands}), and candidates whose exact Jaccard similarity reaches the threshold are pairs.
 *
 * <p>Questions without shingles (empty after normalisation) are left out: MinHashLSH rejects empty
 * vectors. They are counted as {@code unshingled} and stay kept.
 *
 * <p>Stages timed on the clock: {@code shingling}, {@code lsh_join} (min-hashing, banding, the
 * self-join on band keys and the Jaccard check).
 */
public final class NgramNearDuplicates {

  /** (sparse vector, sparse vector) → Jaccard similarity of their index sets. */
  static final UserDefinedFunction JACCARD =
      udf(
          (UDF2<Vector, Vector, Double>)
              (a, b) ->
                  Shingler.jaccard(((SparseVector) a).indices(), ((SparseVector) b).indices()),
          DataTypes.DoubleType);

  /**
   * @param ngram shingle size
   * @param unit characters or words
   * @param threshold minimum Jaccard similarity of a pair, in (0, 1]
   * @param bands LSH bands (OR)
   * @param rows min-hashes per band (AND)
   * @param seed MinHash seed
   */
  public record Settings(
      int ngram, Shingler.Unit unit, double threshold, int bands, int rows, long seed) {
    public Settings {
      if (!(threshold > 0 && threshold <= 1)) {
        throw new IllegalArgumentException("Jaccard threshold must lie in (0, 1]: " + threshold);
      }
      if (bands < 1 || rows < 1) {
        throw new IllegalArgumentException("bands and rows must be >= 1: " + bands + ", " + rows);
      }
    }
  }

  private NgramNearDuplicates() {}

  /**
   * @param prompts prompt rows with unique {@code prompt_id}
   * @param counts receives {@code unshingled}, {@code candidate_pairs}, {@code minhash_pairs}
   */
  public static NearDuplicatePairs find(
      Dataset<Row> prompts, Settings settings, StageClock clock, Map<String, Long> counts) {
    Shingler shingler = new Shingler(settings.ngram(), settings.unit());
    UserDefinedFunction toFeatures =
        udf(
            (UDF1<String, Vector>) question -> features(shingler, question),
            SQLDataTypes.VectorType());
    int rows = settings.rows();
    UserDefinedFunction bandKeys =
        udf(
            (UDF1<Seq<Vector>, long[]>) hashes -> MinHashBands.keys(signature(hashes), rows),
            DataTypes.createArrayType(DataTypes.LongType, false));
    Dataset<Row> vectors =
        clock.time(
            "shingling",
            () -> {
              Dataset<Row> all =
                  prompts
                      .select(
                          col(PromptSchema.PROMPT_ID),
                          toFeatures
                              .apply(col(PromptSchema.QUESTION))
                              .as(NearDuplicatePairs.VECTOR))
                      .persist(StorageLevel.MEMORY_AND_DISK());
              Dataset<Row> shingled = all.filter(col(NearDuplicatePairs.VECTOR).isNotNull());
              counts.put("unshingled", all.count() - shingled.count());
              return shingled;
            });
    Dataset<Row> pairs =
        clock.time(
            "lsh_join",
            () -> {
              MinHashLSH lsh =
                  new MinHashLSH()
                      .setNumHashTables(settings.bands() * settings.rows())
                      .setSeed(settings.seed())
                      .setInputCol(NearDuplicatePairs.VECTOR)
                      .setOutputCol("_hashes");
              Dataset<Row> keys =
                  lsh.fit(vectors)
                      .transform(vectors)
                      .select(
                          col(PromptSchema.PROMPT_ID),
                          posexplode(bandKeys.apply(col("_hashes")))
                              .as(new String[] {"band", "key"}));
              Dataset<Row> candidates =
                  keys.as("a")
                      .join(
                          keys.as("b"),
                          col("a.band")
                              .equalTo(col("b.band"))
                              .and(col("a.key").equalTo(col("b.key"))))
                      .filter(
                          col("a." + PromptSchema.PROMPT_ID).lt(col("b." + PromptSchema.PROMPT_ID)))
                      .select(
                          col("a." + PromptSchema.PROMPT_ID).as(ConnectedComponents.SRC),
                          col("b." + PromptSchema.PROMPT_ID).as(ConnectedComponents.DST))
                      .distinct()
                      .persist(StorageLevel.MEMORY_AND_DISK());
              counts.put("candidate_pairs", candidates.count());
              Dataset<Row> similar =
                  NearDuplicatePairs.atLeast(
                      withSimilarity(candidates, vectors, JACCARD),
                      settings.threshold(),
                      "minhash_pairs",
                      counts);
              candidates.unpersist();
              return similar;
            });
    return new NearDuplicatePairs(RemovedDuplicates.MINHASH, pairs, vectors, JACCARD);
  }

  /** {@code pairs} (src, dst, ...) with {@code similarity} of their vectors appended. */
  static Dataset<Row> withSimilarity(
      Dataset<Row> pairs, Dataset<Row> vectors, UserDefinedFunction similarity) {
    Dataset<Row> a =
        vectors.select(
            col(PromptSchema.PROMPT_ID).as("_a_id"), col(NearDuplicatePairs.VECTOR).as("_a_v"));
    Dataset<Row> b =
        vectors.select(
            col(PromptSchema.PROMPT_ID).as("_b_id"), col(NearDuplicatePairs.VECTOR).as("_b_v"));
    return pairs
        .join(a, pairs.col(ConnectedComponents.SRC).equalTo(a.col("_a_id")))
        .join(b, pairs.col(ConnectedComponents.DST).equalTo(b.col("_b_id")))
        .withColumn(NearDuplicatePairs.SIMILARITY, similarity.apply(col("_a_v"), col("_b_v")))
        .drop("_a_id", "_a_v", "_b_id", "_b_v");
  }

  /** The question's shingles as a binary sparse vector, or null when it has none. */
  static Vector features(Shingler shingler, String question) {
    int[] indices = shingler.shingles(QuestionNormalizer.normalise(question));
    if (indices.length == 0) {
      return null;
    }
    double[] ones = new double[indices.length];
    Arrays.fill(ones, 1.0);
    return Vectors.sparse(Shingler.DIMENSION, indices, ones);
  }

  /** MinHashLSH's output (one 1-element vector per hash table) as one array. */
  private static double[] signature(Seq<Vector> hashes) {
    double[] values = new double[hashes.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = hashes.apply(i).apply(0);
    }
    return values;
  }
}
