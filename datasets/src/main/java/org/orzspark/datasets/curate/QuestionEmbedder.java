package org.orzspark.datasets.curate;

import java.io.Serializable;
import java.util.List;

/**
 * Turns questions into embedding vectors, in batches, inside Spark tasks. The instance is shipped
 * to executors, so it holds only settings (a model path); an implementation loads its model lazily,
 * once per executor JVM, and reuses it across tasks and stages (the datasets module knows no model
 * engine; {@code jobs} provides the DJL implementation).
 */
public interface QuestionEmbedder extends Serializable {

  /** Questions per call of {@link #embed}. */
  int batchSize();

  /**
   * @param questions at most {@link #batchSize()} questions
   * @return one vector per question, in order, all of the same length
   */
  float[][] embed(List<String> questions);
}
