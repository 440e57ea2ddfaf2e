package org.orzspark.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
  // cumulative in vocabulary order 0.1, 0.3, 0.6, 1.0
  private static final float[] PROBABILITIES = {0.1f, 0.2f, 0.3f, 0.4f};
  private static final SamplingParams PLAIN =
      new SamplingParams(1.0, 1.0, 0, 8, List.of(), List.of(), List.of());

  @Test
  void inverseCdfInVocabularyOrder() {
    assertThat(draw(PLAIN, 0.05).token()).isEqualTo(0);
    assertThat(draw(PLAIN, 0.15).token()).isEqualTo(1);
    assertThat(draw(PLAIN, 0.35).token()).isEqualTo(2);
    assertThat(draw(PLAIN, 0.95).token()).isEqualTo(3);
    assertThat((double) draw(PLAIN, 0.35).logProb()).isCloseTo(Math.log(0.3), within(1e-6));
  }

  @Test
  void topKKeepsTheMostLikelyAndWalksThemFirst() {
    // kept {3: 0.4, 2: 0.3}, mass 0.7: u = 0.5 → 0.35 < 0.4 → token 3; u = 0.6 → 0.42 → token 2
    SamplingParams topTwo = PLAIN.withTopK(2);
    assertThat(draw(topTwo, 0.5).token()).isEqualTo(3);
    assertThat(draw(topTwo, 0.6).token()).isEqualTo(2);
    assertThat(draw(topTwo, 0.99).token()).isEqualTo(2);
    // log-probability stays the untruncated one
    assertThat((double) draw(topTwo, 0.6).logProb()).isCloseTo(Math.log(0.3), within(1e-6));
  }

  @Test
  void topPKeepsTheShortestPrefixReachingP() {
    // sorted 0.4, 0.3, ...: 0.4 < 0.5 ≤ 0.7 → keep {3, 2}; with p = 0.39 keep {3} only
    assertThat(draw(PLAIN.withTopP(0.5), 0.6).token()).isEqualTo(2);
    assertThat(draw(PLAIN.withTopP(0.39), 0.99).token()).isEqualTo(3);
    assertThat(draw(PLAIN.withTopP(0.39), 0.0).token()).isEqualTo(3);
  }

  @Test
  void temperatureFlattensTheEngineDistributionAndZeroIsGreedy() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits =
          manager.create(
              new float[] {
                (float) Math.log(1), (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)
              });
      assertThat(TokenSampler.probabilities(logits, 1).toFloatArray())
          .containsExactly(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, within(1e-6f));
      assertThat(TokenSampler.probabilities(logits, 0).toFloatArray())
          .containsExactly(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, within(1e-6f));
      // T = 2: weights sqrt(1, 2, 3, 4) = 1, 1.414, 1.732, 2 (sum 6.146)
      double sum = 1 + Math.sqrt(2) + Math.sqrt(3) + 2;
      float[] hot = TokenSampler.probabilities(logits, 2).toFloatArray();
      assertThat(hot)
          .containsExactly(
              new float[] {
                (float) (1 / sum),
                (float) (Math.sqrt(2) / sum),
                (float) (Math.sqrt(3) / sum),
                (float) (2 / sum)
              },
              within(1e-6f));
      // token 0 holds 0.1627 of the mass: u = 0.15 still picks 0, u = 0.17 picks 1
      assertThat(TokenSampler.sample(hot, 0, 4, PLAIN, 0.15).token()).isEqualTo(0);
      assertThat(TokenSampler.sample(hot, 0, 4, PLAIN, 0.17).token()).isEqualTo(1);
    }
    TokenSampler.Draw greedy = draw(PLAIN.withTemperature(0), 0.01);
    assertThat(greedy.token()).isEqualTo(3);
    assertThat((double) greedy.logProb()).isCloseTo(Math.log(0.4), within(1e-6));
  }

  @Test
  void zeroProbabilityTokensAreNeverDrawn() {
    float[] p = {0f, 0.5f, 0f, 0.5f, 0f};
    assertThat(TokenSampler.sample(p, 0, 5, PLAIN, 0.0).token()).isEqualTo(1);
    assertThat(TokenSampler.sample(p, 0, 5, PLAIN, 0.49).token()).isEqualTo(1);
    assertThat(TokenSampler.sample(p, 0, 5, PLAIN, 0.51).token()).isEqualTo(3);
    assertThat(TokenSampler.sample(p, 0, 5, PLAIN, 0.9999999).token()).isEqualTo(3);
  }

  @Test
  void samplesFromAnOffsetRow() {
    float[] twoRows = {1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f};
    System.arraycopy(PROBABILITIES, 0, twoRows, 4, 4);
    assertThat(TokenSampler.sample(twoRows, 4, 4, PLAIN, 0.95).token()).isEqualTo(3);
    assertThat(TokenSampler.sample(twoRows, 4, 4, PLAIN, 0.2).token()).isEqualTo(1);
    assertThat(TokenSampler.sample(twoRows, 0, 4, PLAIN, 0.95).token()).isEqualTo(0);
  }

  @Test
  void sampleRandomIsAPureFunctionOfItsInputs() {
    double u = SampleRandom.uniform(42, "p-1", 3, 7);
    assertThat(u).isEqualTo(SampleRandom.uniform(42, "p-1", 3, 7)).isBetween(0.0, 1.0);
    assertThat(u)
        .isNotEqualTo(SampleRandom.uniform(43, "p-1", 3, 7))
        .isNotEqualTo(SampleRandom.uniform(42, "p-2", 3, 7))
        .isNotEqualTo(SampleRandom.uniform(42, "p-1", 4, 7))
        .isNotEqualTo(SampleRandom.uniform(42, "p-1", 3, 8));
    double mean = 0;
    for (int step = 0; step < 10_000; step++) {
      mean += SampleRandom.uniform(1, "q", 0, step) / 10_000;
    }
    assertThat(mean).isCloseTo(0.5, within(0.01));
  }

  @Test
  void stopStringsCutAtTheEarliestMatchKeepingOnlyKeptOnes() {
    List<String> stops = SamplingParams.ORZ_STOP_STRINGS;
    List<String> kept = SamplingParams.ORZ_KEPT_STOP_STRINGS;
    assertThat(StopStrings.truncate("x <answer>5</answer> more", stops, kept))
        .isEqualTo("x <answer>5</answer>");
    assertThat(StopStrings.truncate("so 5. User: next", stops, kept)).isEqualTo("so 5. ");
    assertThat(StopStrings.truncate("Human: a</answer>", stops, kept)).isEmpty();
    assertThat(StopStrings.truncate("no stop here", stops, kept)).isEqualTo("no stop here");
    assertThat(StopStrings.first("aUser:", stops)).isEqualTo(new StopStrings.Match(1, "User:"));
  }

  private static TokenSampler.Draw draw(SamplingParams params, double u) {
    return TokenSampler.sample(PROBABILITIES, 0, 4, params, u);
  }
}
