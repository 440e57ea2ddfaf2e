package org.orzspark.datasets.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MinHashBandsTest {

  @Test
  void aBandKeyDependsOnAllItsRowsAndOnlyOnThem() {
    long[] a = MinHashBands.keys(new double[] {1, 2, 3, 4, 5, 6}, 3);
    long[] b = MinHashBands.keys(new double[] {1, 2, 3, 4, 5, 7}, 3);
    long[] c = MinHashBands.keys(new double[] {1, 2, 9, 4, 5, 6}, 3);
    assertThat(a).hasSize(2);
    assertThat(b[0]).isEqualTo(a[0]);
    assertThat(b[1]).isNotEqualTo(a[1]);
    assertThat(c[0]).isNotEqualTo(a[0]);
    assertThat(c[1]).isEqualTo(a[1]);
  }

  @Test
  void candidateProbabilityMatchesTheBandingFormula() {
    // 1 - (1 - 0.8^5)^20: 0.8^5 = 0.32768, 0.67232^20 = 3.6e-4
    assertThat(MinHashBands.candidateProbability(0.8, 20, 5)).isCloseTo(0.99964, within(1e-5));
    // 1 - (1 - 0.1^5)^20 ~ 20 * 1e-5
    assertThat(MinHashBands.candidateProbability(0.1, 20, 5)).isCloseTo(2.0e-4, within(1e-6));
    // one row per band: any one table equal (approxSimilarityJoin's OR)
    assertThat(MinHashBands.candidateProbability(0.1, 5, 1))
        .isCloseTo(1 - Math.pow(0.9, 5), within(1e-12));
  }

  @Test
  void aSignatureMustSplitIntoWholeBands() {
    assertThatThrownBy(() -> MinHashBands.keys(new double[5], 2))
        .hasMessageContaining("bands of 2");
  }
}
