package org.orzspark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportChartsTest {

  @Test
  void eachCurveIsFollowedByItsTenIterationTrailingMean() {
    double[] reward = new double[12];
    for (int i = 0; i < reward.length; i++) {
      reward[i] = i % 2 == 0 ? 0.2 : 0.4;
    }
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("reward mean", reward);

    Map<String, double[]> smoothed = ReportCharts.smoothed(series);

    assertThat(smoothed.keySet()).containsExactly("reward mean", "reward mean (10-iteration mean)");
    assertThat(smoothed.get("reward mean")).isSameAs(reward);
    double[] mean = smoothed.get("reward mean (10-iteration mean)");
    // iteration 1 alone; iteration 3: (0.2 + 0.4 + 0.2) / 3; iterations 3..12: five of each
    assertThat(mean[0]).isCloseTo(0.2, within(1e-12));
    assertThat(mean[2]).isCloseTo(0.8 / 3, within(1e-12));
    assertThat(mean[11]).isCloseTo(0.3, within(1e-12));
  }
}
