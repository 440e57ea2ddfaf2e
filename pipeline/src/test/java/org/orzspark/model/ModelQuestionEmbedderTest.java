package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.curate.Deduplicator;
import org.orzspark.datasets.curate.EmbeddingNearDuplicates;
import org.orzspark.datasets.curate.NgramNearDuplicates;
import org.orzspark.datasets.curate.Shingler;
import org.orzspark.datasets.synth.PlantedDuplicates;
import org.orzspark.testing.SharedSpark;

/** Embedding near-duplicates with the engine's model (tiny, random weights) on DJL/PyTorch CPU. */
class ModelQuestionEmbedderTest {

  @TempDir static Path dir;
  private static Path model;
  private static List<PromptRecord> prompts;

  @BeforeAll
  static void makeModel() throws Exception {
    prompts = PlantedDuplicates.generate(60, 0.3, 5).prompts();
    model =
        TinyEmbeddingModel.write(dir, prompts.stream().map(PromptRecord::question).toList(), 11);
  }

  @Test
  void paddingDoesNotChangeAnEmbedding() {
    ModelQuestionEmbedder embedder = new ModelQuestionEmbedder(model.toString(), 4, 512);
    String shortQuestion = "What is 2 + 3?";
    String longQuestion = prompts.get(0).question();
    float[] alone = embedder.embed(List.of(shortQuestion))[0];
    float[][] batch = embedder.embed(List.of(longQuestion, shortQuestion, ""));
    assertThat(batch[1]).containsExactly(alone, within(1e-4f));
    assertThat(batch[0]).hasSize(32).isNotEqualTo(alone);
    assertThat(batch[2]).as("no tokens: zero vector").containsOnly(0f);
  }

  @Test
  void sparkPairsMatchBruteForceCosineAndTheModelLoadsOncePerJvm() {
    ModelQuestionEmbedder embedder = new ModelQuestionEmbedder(model.toString(), 8, 512);
    float[][] vectors = embedder.embed(prompts.stream().map(PromptRecord::question).toList());
    // the 98th percentile of pair cosines: some pairs above it, most below
    List<Double> cosines = new ArrayList<>();
    Map<List<String>, Double> byPair = new HashMap<>();
    for (int i = 0; i < prompts.size(); i++) {
      for (int j = i + 1; j < prompts.size(); j++) {
        double c = cosine(vectors[i], vectors[j]);
        cosines.add(c);
        String a = prompts.get(i).promptId();
        String b = prompts.get(j).promptId();
        byPair.put(a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a), c);
      }
    }
    cosines.sort(null);
    double threshold = cosines.get((int) (cosines.size() * 0.98));
    Set<List<String>> brute = new HashSet<>();
    byPair.forEach(
        (pair, c) -> {
          if (c >= threshold + 1e-6) {
            brute.add(pair);
          }
        });
    Deduplicator.Outcome outcome =
        Deduplicator.run(
            PromptSchema.toDataFrame(SharedSpark.session(), prompts).repartition(4),
            new Deduplicator.Settings(
                // n-grams off in effect (threshold 1 on distinct questions), so every prompt
                // reaches the embedding stage
                new NgramNearDuplicates.Settings(5, Shingler.Unit.CHAR, 1.0, 20, 5, 42),
                new EmbeddingNearDuplicates.Settings(threshold + 1e-6, 16, 4.0, 42)),
            Optional.of(embedder));
    System.out.printf(
        "embedding dedup: threshold %.6f, brute-force pairs %d, %s, stages %s%n",
        threshold, brute.size(), outcome.counts(), outcome.stageMillis());
    assertThat(ModelQuestionEmbedder.loads(model.toString()))
        .as("one load shared by the driver's calls and all tasks of this JVM")
        .isEqualTo(1);
    long exactAndMinhash =
        outcome.counts().get("removed_exact") + outcome.counts().get("removed_minhash");
    assertThat(exactAndMinhash).as("planted exact variants only").isPositive();
    Set<String> survivors = new HashSet<>();
    outcome
        .removed()
        .filter("method <> 'embedding'")
        .collectAsList()
        .forEach(r -> survivors.add(r.<String>getAs("prompt_id")));
    Set<List<String>> expected = new HashSet<>();
    brute.forEach(
        p -> {
          if (!survivors.contains(p.get(0)) && !survivors.contains(p.get(1))) {
            expected.add(p);
          }
        });
    assertThat(outcome.counts().get("embedding_pairs")).isEqualTo(expected.size()).isPositive();
    for (Row r : outcome.removed().filter("method = 'embedding'").collectAsList()) {
      List<String> pair = List.of(r.<String>getAs("duplicate_of"), r.<String>getAs("prompt_id"));
      assertThat(r.<Double>getAs("similarity")).isCloseTo(byPair.get(pair), within(1e-4));
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
