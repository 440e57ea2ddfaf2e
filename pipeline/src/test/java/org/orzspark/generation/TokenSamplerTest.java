package org.orzspark.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
  // cumulative in vocabulary order 0.1, 0.3, 0.6, 1.0
  private static final float[] PROBABILITIES = {0.1f, 0.2f, 0.3f, 0.4f};
  private static final SamplingParams PLAIN =
      new SamplingParams(1.0, 1.0, 0, 8, List.of(), List.of(), List.of());

  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  @Test
  void inverseCdfInVocabularyOrder() {
    assertThat(draw(PLAIN, 0.05f).token()).isEqualTo(0);
    assertThat(draw(PLAIN, 0.15f).token()).isEqualTo(1);
    assertThat(draw(PLAIN, 0.35f).token()).isEqualTo(2);
    assertThat(draw(PLAIN, 0.95f).token()).isEqualTo(3);
    assertThat((double) draw(PLAIN, 0.35f).logProb()).isCloseTo(Math.log(0.3), within(1e-6));
  }

  @Test
  void topKKeepsTheMostLikelyAndWalksThemFirst() {
    // kept {3: 0.4, 2: 0.3}, mass 0.7: u = 0.5 → 0.35 < 0.4 → token 3; u = 0.6 → 0.42 → token 2
    SamplingParams topTwo = PLAIN.withTopK(2);
    assertThat(draw(topTwo, 0.5f).token()).isEqualTo(3);
    assertThat(draw(topTwo, 0.6f).token()).isEqualTo(2);
    assertThat(draw(topTwo, 0.99f).token()).isEqualTo(2);
    // log-probability stays the untruncated one
    assertThat((double) draw(topTwo, 0.6f).logProb()).isCloseTo(Math.log(0.3), within(1e-6));
  }

  @Test
  void topPKeepsTheShortestPrefixReachingP() {
    // sorted 0.4, 0.3, ...: 0.4 < 0.5 ≤ 0.7 → keep {3, 2}; with p = 0.39 keep {3} only
    assertThat(draw(PLAIN.withTopP(0.5), 0.6f).token()).isEqualTo(2);
    assertThat(draw(PLAIN.withTopP(0.39), 0.99f).token()).isEqualTo(3);
    assertThat(draw(PLAIN.withTopP(0.39), 0.0f).token()).isEqualTo(3);
    // top-k 3 keeps mass 0.9; top-p 0.75 then needs 0.675: 0.4, 0.7 → keep {3, 2}
    assertThat(draw(PLAIN.withTopK(3).withTopP(0.75), 0.99f).token()).isEqualTo(2);
  }

  @Test
  void temperatureFlattensTheDistributionAndZeroIsGreedy() {
    // T = 2: weights sqrt(1, 2, 3, 4) = 1, 1.414, 1.732, 2 (sum 6.146); token 0 holds 0.1627
    SamplingParams hot = PLAIN.withTemperature(2);
    assertThat(draw(hot, 0.15f).token()).isEqualTo(0);
    assertThat(draw(hot, 0.17f).token()).isEqualTo(1);
    double sum = 1 + Math.sqrt(2) + Math.sqrt(3) + 2;
    assertThat((double) draw(hot, 0.15f).logProb()).isCloseTo(Math.log(1 / sum), within(1e-6));
    Draw greedy = draw(PLAIN.withTemperature(0), 0.01f);
    assertThat(greedy.token()).isEqualTo(3);
    assertThat((double) greedy.logProb()).isCloseTo(Math.log(0.4), within(1e-6));
  }

  @Test
  void greedyTakesTheLowestIdAmongTies() {
    float[] tied = {0.1f, 0.4f, 0.1f, 0.4f};
    assertThat(draw(tied, PLAIN.withTemperature(0), 0.9f).token()).isEqualTo(1);
  }

  @Test
  void zeroProbabilityTokensAreNeverDrawn() {
    // log 0 = -inf: softmax gives exactly 0
    float[] p = {0f, 0.5f, 0f, 0.5f, 0f};
    assertThat(draw(p, PLAIN, 0.0f).token()).isEqualTo(1);
    assertThat(draw(p, PLAIN, 0.49f).token()).isEqualTo(1);
    assertThat(draw(p, PLAIN, 0.51f).token()).isEqualTo(3);
    // 0.99999997 rounds to 1 in the product u · total: the last token of positive mass, not 4
    assertThat(draw(p, PLAIN, 0.99999997f).token()).isEqualTo(3);
    assertThat(draw(p, PLAIN.withTopK(4), 0.99999997f).token()).isEqualTo(3);
  }

  @Test
  void eachRowDrawsWithItsOwnUniform() {
    float[] logits = new float[8];
    logits[0] = 0;
    for (int i = 1; i < 4; i++) {
      logits[i] = Float.NEGATIVE_INFINITY;
    }
    for (int i = 0; i < 4; i++) {
      logits[4 + i] = (float) Math.log(PROBABILITIES[i]);
    }
    try (NDManager m = manager.newSubManager()) {
      TokenSampler.Draws draws =
          TokenSampler.draw(
              m.create(logits, new Shape(2, 4)), m.create(new float[] {0.95f, 0.2f}), PLAIN);
      assertThat(draws.tokens().toLongArray()).containsExactly(0, 1);
      assertThat(draws.logProbs().toFloatArray())
          .containsExactly(new float[] {0f, (float) Math.log(0.2)}, within(1e-6f));
    }
  }

  /**
   * The engine's draw against the reference walk (double cumulative sums over a host copy of
   * softmax) on many random distributions and uniforms, for every kind of truncation. The two can
   * disagree only where u · (kept mass) lies within float32 rounding of a cumulative boundary: the
   * engine's cumulative sums and u are float32, the reference's double. Every disagreement must be
   * such a tie (|u · mass − boundary| below 1e-5 of the mass), and they must be rare.
   */
  @Test
  void drawsTheTokensOfTheReferenceSamplerUpToRoundingTies() {
    int rows = 64;
    int vocab = 500;
    List<SamplingParams> kinds =
        List.of(
            PLAIN,
            PLAIN.withTemperature(0.7),
            PLAIN.withTemperature(0),
            PLAIN.withTopK(20),
            PLAIN.withTopP(0.9),
            PLAIN.withTopK(50).withTopP(0.8).withTemperature(1.3));
    int draws = 0;
    int ties = 0;
    for (long seed = 0; seed < 25; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      // peaked and flat rows: logit scales from 0.5 to 8
      float[] logits = new float[rows * vocab];
      for (int r = 0; r < rows; r++) {
        double scale = 0.5 + 7.5 * random.nextDouble();
        for (int v = 0; v < vocab; v++) {
          logits[r * vocab + v] = (float) (scale * random.nextGaussian());
        }
      }
      float[] uniforms = new float[rows];
      for (int r = 0; r < rows; r++) {
        uniforms[r] = (float) SampleRandom.uniform(seed, "p", r, 0);
      }
      for (SamplingParams params : kinds) {
        try (NDManager m = manager.newSubManager()) {
          NDArray engineLogits = m.create(logits, new Shape(rows, vocab));
          TokenSampler.Draws engine = TokenSampler.draw(engineLogits, m.create(uniforms), params);
          long[] tokens = engine.tokens().toLongArray();
          float[] logProbs = engine.logProbs().toFloatArray();
          double t = params.temperature() == 0 ? 1 : params.temperature();
          float[] p = engineLogits.div(t).softmax(-1).toFloatArray();
          for (int r = 0; r < rows; r++) {
            ReferenceTokenSampler.Draw expected =
                ReferenceTokenSampler.sample(p, r * vocab, vocab, params, uniforms[r]);
            draws++;
            if (tokens[r] != expected.token()) {
              ties++;
              assertThat(distanceToBoundary(p, r * vocab, vocab, params, uniforms[r]))
                  .as("seed %d row %d %s", seed, r, params)
                  .isLessThan(1e-5);
              continue;
            }
            assertThat(logProbs[r])
                .as("seed %d row %d", seed, r)
                .isCloseTo(expected.logProb(), within(2e-5f));
          }
        }
      }
    }
    assertThat(draws).isEqualTo(25 * 6 * rows);
    assertThat(ties).isLessThan(draws / 1000);
  }

  /**
   * |u · kept − nearest cumulative boundary| / kept along the reference's walk order (the order and
   * kept set taken from a draw at u = 1 − ε, which walks every kept token).
   */
  private static double distanceToBoundary(
      float[] p, int offset, int vocab, SamplingParams params, double u) {
    Integer[] order = new Integer[vocab];
    java.util.Arrays.setAll(order, i -> i);
    if (TokenSampler.truncates(params, vocab)) {
      java.util.Arrays.sort(
          order, java.util.Comparator.comparingDouble((Integer i) -> -p[offset + i]));
    }
    int last = ReferenceTokenSampler.sample(p, offset, vocab, params, Math.nextDown(1.0)).token();
    double kept = 0;
    for (Integer token : order) {
      kept += p[offset + token];
      if (token == last) {
        break;
      }
    }
    double cumulative = 0;
    double nearest = Double.MAX_VALUE;
    for (Integer token : order) {
      cumulative += p[offset + token];
      nearest = Math.min(nearest, Math.abs(cumulative - u * kept));
      if (token == last) {
        break;
      }
    }
    return nearest / kept;
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

  /** A token and log-probability drawn by the engine. */
  private record Draw(long token, float logProb) {}

  private static Draw draw(SamplingParams params, float u) {
    return draw(PROBABILITIES, params, u);
  }

  /** The engine's draw from one row of logits log(p). */
  private static Draw draw(float[] p, SamplingParams params, float u) {
    float[] logits = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      logits[i] = (float) Math.log(p[i]);
    }
    try (NDManager m = manager.newSubManager()) {
      TokenSampler.Draws draws =
          TokenSampler.draw(
              m.create(logits, new Shape(1, p.length)), m.create(new float[] {u}), params);
      return new Draw(draws.tokens().getLong(0), draws.logProbs().getFloat(0));
    }
  }
}
