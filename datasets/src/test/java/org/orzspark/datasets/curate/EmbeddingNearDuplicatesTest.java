package org.orzspark.datasets.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.testing.SharedSpark;

/**
 * The random-projection candidate join against a brute-force cosine over all pairs, with a small
 * deterministic embedder (hashed character trigram counts); the DJL model embedder is tested in
 * {@code jobs}.
 */
class EmbeddingNearDuplicatesTest {

  /** Counts of hashed character trigrams in 64 buckets. */
  static final class TrigramEmbedder implements QuestionEmbedder {
    @Override
    public int batchSize() {
      return 7;
    }

    @Override
    public float[][] embed(List<String> questions) {
      float[][] out = new float[questions.size()][64];
      for (int q = 0; q < questions.size(); q++) {
        String s = QuestionNormalizer.normalise(questions.get(q));
        for (int i = 0; i + 3 <= s.length(); i++) {
          out[q][Math.floorMod(s.substring(i, i + 3).hashCode(), 64)]++;
        }
      }
      return out;
    }
  }

  @Test
  void lshPairsEqualTheBruteForcePairsAboveTheThreshold() throws Exception {
    List<PromptRecord> prompts = new DedupFixture(30, 30).prompts;
    double threshold = 0.9;
    Map<String, Long> counts = new HashMap<>();
    NearDuplicatePairs found =
        EmbeddingNearDuplicates.find(
            PromptSchema.toDataFrame(SharedSpark.session(), prompts),
            new TrigramEmbedder(),
            new EmbeddingNearDuplicates.Settings(threshold, 8, 2.0, 42),
            new StageClock(),
            counts);
    Set<List<String>> lsh = new HashSet<>();
    for (Row r : found.pairs().collectAsList()) {
      lsh.add(List.of(r.getString(0), r.getString(1)));
    }
    TrigramEmbedder embedder = new TrigramEmbedder();
    float[][] vectors = embedder.embed(prompts.stream().map(PromptRecord::question).toList());
    Set<List<String>> brute = new HashSet<>();
    for (int i = 0; i < prompts.size(); i++) {
      for (int j = 0; j < prompts.size(); j++) {
        String a = prompts.get(i).promptId();
        String b = prompts.get(j).promptId();
        double cos =
            EmbeddingNearDuplicates.cosine(
                Vectors.dense(EmbeddingNearDuplicates.unit(vectors[i])),
                Vectors.dense(EmbeddingNearDuplicates.unit(vectors[j])));
        if (a.compareTo(b) < 0 && cos >= threshold) {
          brute.add(List.of(a, b));
        }
      }
    }
    System.out.printf("embedding pairs: brute force %d, LSH %d%n", brute.size(), lsh.size());
    assertThat(brute).isNotEmpty();
    assertThat(lsh).isEqualTo(brute);
    assertThat(counts).containsEntry("embedding_pairs", (long) brute.size());
  }

  @Test
  void unitVectorsAndCosineOnHandComputedValues() {
    assertThat(EmbeddingNearDuplicates.unit(new float[] {3, 4}))
        .containsExactly(new double[] {0.6, 0.8}, within(1e-12));
    assertThat(EmbeddingNearDuplicates.unit(new float[] {0, 0})).containsExactly(0, 0);
    assertThat(EmbeddingNearDuplicates.cosine(Vectors.dense(1, 0), Vectors.dense(1, 1)))
        .isCloseTo(Math.sqrt(0.5), within(1e-12));
    assertThat(EmbeddingNearDuplicates.cosine(Vectors.dense(0, 0), Vectors.dense(1, 1))).isZero();
    assertThat(new EmbeddingNearDuplicates.Settings(0.95, 1, 1, 1).distance())
        .isCloseTo(Math.sqrt(0.1), within(1e-12));
  }
}
