package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

class AdvantageNormalizationTest extends FreshManagerTest {
  @Test
  void statisticsByHand() {
    // {1, 2, 3, 4}: mean 2.5, M2 = 2.25 + 0.25 + 0.25 + 2.25 = 5, variance 5 / 4 = 1.25.
    AdvantageStats s = AdvantageStats.of(new float[] {1, 2, 3, 4});
    assertThat(s.count()).isEqualTo(4);
    assertThat(s.mean()).isEqualTo(2.5);
    assertThat(s.m2()).isEqualTo(5.0);
    assertThat(s.variance()).isEqualTo(1.25);
    // Chan: {1, 2} = (2, 1.5, 0.5) and {3, 4} = (2, 3.5, 0.5); delta = 2;
    // M2 = 0.5 + 0.5 + 2^2 * 2 * 2 / 4 = 5.
    AdvantageStats merged =
        AdvantageStats.of(new float[] {1, 2}).merge(AdvantageStats.of(new float[] {3, 4}));
    assertThat(merged).isEqualTo(s);
    assertThat(AdvantageStats.EMPTY.merge(s)).isEqualTo(s);
    assertThat(s.merge(AdvantageStats.EMPTY)).isEqualTo(s);
  }

  @Test
  void onlyResponseTokensCount() {
    NDArray adv = Arrays2d.floats(manager, new double[][] {{1, 2, 99}, {Double.NaN, 3, 4}});
    NDArray mask = Arrays2d.mask(manager, new int[][] {{1, 1, 0}, {0, 1, 1}});
    assertThat(AdvantageStats.of(adv, mask)).isEqualTo(AdvantageStats.of(new float[] {1, 2, 3, 4}));
  }

  @Test
  void applyByHand() {
    // (x - 2.5) / sqrt(1.25): -1.5 / 1.118034 = -1.341641, -0.5 / 1.118034 = -0.447214.
    NDArray adv = Arrays2d.floats(manager, new double[][] {{1, 2, 99}, {Double.NaN, 3, 4}});
    NDArray mask = Arrays2d.mask(manager, new int[][] {{1, 1, 0}, {0, 1, 1}});
    AdvantageStats stats = AdvantageStats.of(adv, mask);
    double[][] out = Arrays2d.toDoubles(AdvantageNormalization.apply(adv, mask, stats));
    double[][] expected = {{-1.341641, -0.447214, 0}, {0, 0.447214, 1.341641}};
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 3; t++) {
        assertThat(out[b][t]).isCloseTo(expected[b][t], within(1e-6));
      }
    }
    float[] row = {1, 4};
    AdvantageNormalization.applyInPlace(row, stats);
    assertThat(row[0]).isCloseTo(-1.341641f, within(1e-6f));
    assertThat(row[1]).isCloseTo(1.341641f, within(1e-6f));
  }

  @Test
  void allEqualAdvantagesNormaliseToZero() {
    NDArray adv = Arrays2d.floats(manager, new double[][] {{0.5, 0.5, 0.5}});
    NDArray mask = Arrays2d.mask(manager, new int[][] {{1, 1, 1}});
    NDArray out = AdvantageNormalization.apply(adv, mask, AdvantageStats.of(adv, mask));
    assertThat(out.toFloatArray()).containsExactly(0f, 0f, 0f);
    assertThatThrownBy(() -> AdvantageNormalization.apply(adv, mask, AdvantageStats.EMPTY))
        .hasMessageContaining("no response tokens");
  }

  @Test
  void partitionsMergedInAnyOrderEqualTheWhole() {
    // Values around 1e4 with spread 1: "sum and sum of squares" would lose most digits here.
    Random random = new Random(7);
    float[] all = new float[5000];
    for (int i = 0; i < all.length; i++) {
      all[i] = (float) (1e4 + random.nextGaussian());
    }
    AdvantageStats whole = AdvantageStats.of(all);
    List<AdvantageStats> parts = new ArrayList<>();
    int start = 0;
    while (start < all.length) {
      int end = Math.min(all.length, start + 1 + random.nextInt(700));
      parts.add(AdvantageStats.of(java.util.Arrays.copyOfRange(all, start, end)));
      start = end;
    }
    for (int shuffle = 0; shuffle < 3; shuffle++) {
      Collections.shuffle(parts, random);
      AdvantageStats merged = parts.stream().reduce(AdvantageStats.EMPTY, AdvantageStats::merge);
      assertThat(merged.count()).isEqualTo(whole.count());
      assertThat(merged.mean()).isCloseTo(whole.mean(), within(1e-9));
      assertThat(merged.variance()).isCloseTo(whole.variance(), within(1e-9 * whole.variance()));
    }
    assertThat(whole.variance()).isCloseTo(1.0, within(0.1));
  }
}
