package org.orzspark.datasets.curate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.orzspark.datasets.PromptSchema;

/**
 * Near-duplicates by embeddings: every question is embedded in batches ({@link QuestionEmbedder},
 * inside {@code mapPartitions}) and scaled to unit length; candidates come from Spark ML's {@link
 * BucketedRandomProjectionLSH} (random projections cut into buckets), and candidate pairs with
 * cosine similarity ≥ threshold are pairs. For unit vectors ‖a − b‖² = 2 − 2·cos(a, b), so the
 * Euclidean join distance is {@code sqrt(2 − 2·threshold)} and the cosine is {@code 1 − d²/2}.
 *
 * <p>Stages timed on the clock: {@code embedding}, {@code embedding_join}.
 */
public final class EmbeddingNearDuplicates {

  /** (vector, vector) → {@link #cosine}. */
  static final UserDefinedFunction COSINE =
      udf((UDF2<Vector, Vector, Double>) EmbeddingNearDuplicates::cosine, DataTypes.DoubleType);

  private static final StructType EMBEDDED =
      new StructType()
          .add(PromptSchema.PROMPT_ID, DataTypes.StringType, false)
          .add(NearDuplicatePairs.VECTOR, SQLDataTypes.VectorType(), false);

  /**
   * @param threshold minimum cosine similarity of a pair, in (0, 1]
   * @param hashTables random-projection hash tables (OR)
   * @param bucketLength width of a projection bucket, in units of the join distance
   * @param seed projection seed
   */
  public record Settings(double threshold, int hashTables, double bucketLength, long seed) {
    public Settings {
      if (!(threshold > 0 && threshold <= 1)) {
        throw new IllegalArgumentException("cosine threshold must lie in (0, 1]: " + threshold);
      }
    }

    /** The Euclidean distance between unit vectors whose cosine is the threshold. */
    public double distance() {
      return Math.sqrt(Math.max(0, 2 - 2 * threshold));
    }
  }

  private EmbeddingNearDuplicates() {}

  /**
   * @param prompts prompt rows with unique {@code prompt_id}
   * @param counts receives {@code embedding_pairs}
   */
  public static NearDuplicatePairs find(
      Dataset<Row> prompts,
      QuestionEmbedder embedder,
      Settings settings,
      StageClock clock,
      Map<String, Long> counts) {
    Dataset<Row> vectors =
        clock.time(
            "embedding",
            () -> {
              Dataset<Row> embedded =
                  prompts
                      .select(col(PromptSchema.PROMPT_ID), col(PromptSchema.QUESTION))
                      .mapPartitions(
                          (MapPartitionsFunction<Row, Row>) rows -> embedPartition(rows, embedder),
                          Encoders.row(EMBEDDED))
                      .persist(StorageLevel.MEMORY_AND_DISK());
              embedded.count();
              return embedded;
            });
    Dataset<Row> pairs =
        clock.time(
            "embedding_join",
            () -> {
              BucketedRandomProjectionLSH lsh =
                  new BucketedRandomProjectionLSH()
                      .setNumHashTables(settings.hashTables())
                      .setBucketLength(
                          Math.max(1e-6, settings.bucketLength() * settings.distance()))
                      .setSeed(settings.seed())
                      .setInputCol(NearDuplicatePairs.VECTOR)
                      .setOutputCol("_hashes");
              Dataset<Row> joined =
                  lsh.fit(vectors)
                      .approxSimilarityJoin(
                          vectors, vectors, settings.distance() + 1e-9, "_distance")
                      .select(
                          col("datasetA." + PromptSchema.PROMPT_ID).as(ConnectedComponents.SRC),
                          col("datasetB." + PromptSchema.PROMPT_ID).as(ConnectedComponents.DST),
                          col("_distance"));
              return NearDuplicatePairs.atLeast(
                  joined
                      .filter(col(ConnectedComponents.SRC).lt(col(ConnectedComponents.DST)))
                      .select(
                          col(ConnectedComponents.SRC),
                          col(ConnectedComponents.DST),
                          lit(1.0)
                              .minus(col("_distance").multiply(col("_distance")).divide(2))
                              .as(NearDuplicatePairs.SIMILARITY)),
                  settings.threshold(),
                  "embedding_pairs",
                  counts);
            });
    return new NearDuplicatePairs(RemovedDuplicates.EMBEDDING, pairs, vectors, COSINE);
  }

  /**
   * Embeds a partition lazily, one batch of {@link QuestionEmbedder#batchSize()} rows at a time.
   */
  private static Iterator<Row> embedPartition(Iterator<Row> rows, QuestionEmbedder embedder) {
    return new Iterator<>() {
      private Iterator<Row> batch = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        if (!batch.hasNext() && rows.hasNext()) {
          batch = embedBatch(rows, embedder);
        }
        return batch.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return batch.next();
      }
    };
  }

  private static Iterator<Row> embedBatch(Iterator<Row> rows, QuestionEmbedder embedder) {
    List<String> ids = new ArrayList<>();
    List<String> questions = new ArrayList<>();
    while (rows.hasNext() && questions.size() < embedder.batchSize()) {
      Row row = rows.next();
      ids.add(row.getAs(PromptSchema.PROMPT_ID));
      questions.add(row.getAs(PromptSchema.QUESTION));
    }
    float[][] embeddings = embedder.embed(questions);
    if (embeddings.length != questions.size()) {
      throw new IllegalStateException(
          "embedder returned "
              + embeddings.length
              + " vectors for "
              + questions.size()
              + " questions");
    }
    List<Row> out = new ArrayList<>(ids.size());
    for (int i = 0; i < embeddings.length; i++) {
      out.add(RowFactory.create(ids.get(i), Vectors.dense(unit(embeddings[i]))));
    }
    return out.iterator();
  }

  /**
   * v / ‖v‖ in double precision; the zero vector stays zero (its cosine with anything is then 0).
   */
  static double[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    double[] u = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = norm == 0 ? 0 : v[i] / norm;
    }
    return u;
  }

  /** Cosine similarity of two vectors of equal length: a·b / (‖a‖‖b‖), 0 when either is zero. */
  static double cosine(Vector a, Vector b) {
    double na = Vectors.norm(a, 2);
    double nb = Vectors.norm(b, 2);
    return na == 0 || nb == 0 ? 0 : a.dot(b) / (na * nb);
  }
}
