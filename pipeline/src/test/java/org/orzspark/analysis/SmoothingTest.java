package org.orzspark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SmoothingTest {

  @Test
  void theTrailingMeanAveragesUpToWindowPastValues() {
    double[] smoothed = Smoothing.trailingMean(new double[] {0.1, 0.3, 0.2, 0.6, 0.0}, 3);

    // (0.1), (0.1+0.3)/2, (0.1+0.3+0.2)/3, (0.3+0.2+0.6)/3, (0.2+0.6+0.0)/3
    assertThat(smoothed)
        .containsExactly(new double[] {0.1, 0.2, 0.2, 1.1 / 3, 0.8 / 3}, within(1e-12));
  }

  @Test
  void missingValuesAreSkippedNotCountedAsZero() {
    double[] smoothed =
        Smoothing.trailingMean(new double[] {Double.NaN, 0.4, Double.NaN, 0.8, Double.NaN}, 2);

    assertThat(smoothed[0]).isNaN();
    assertThat(smoothed[1]).isCloseTo(0.4, within(1e-12));
    assertThat(smoothed[2]).isCloseTo(0.4, within(1e-12));
    assertThat(smoothed[3]).isCloseTo(0.8, within(1e-12));
    assertThat(smoothed[4]).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void aWindowOfOneIsTheSeriesItself() {
    double[] values = {0.5, 0.25, 1.0};

    assertThat(Smoothing.trailingMean(values, 1)).containsExactly(values);
  }

  @Test
  void aWindowBelowOneIsRefused() {
    assertThatThrownBy(() -> Smoothing.trailingMean(new double[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }
}
