package org.orzspark.datasets.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PassRateBandTest {

  private static final PassRateBand PAPER = new PassRateBand(0.0, 0.8, 4);

  /** The paper's band over 8 samples: 0 removed, 1..6 kept (0.75 <= 0.8), 7..8 removed. */
  @ParameterizedTest
  @CsvSource(
      nullValues = "kept",
      value = {
        "0, 8, pass_rate<=min, false",
        "1, 8, kept, true",
        "3, 8, kept, true",
        "4, 8, kept, false",
        "6, 8, kept, false",
        "7, 8, pass_rate>max, false",
        "8, 8, pass_rate>max, false",
        // 4/5 = 0.8 exactly: at the upper bound, kept
        "4, 5, kept, false",
        "5, 5, pass_rate>max, false",
      })
  void paperBand(int correct, int samples, String reason, boolean hard) {
    assertThat(PAPER.reason(correct, samples)).isEqualTo(reason);
    assertThat(PAPER.hard(correct, samples)).isEqualTo(hard);
  }

  @Test
  void boundsAreExclusiveBelowAndInclusiveAbove() {
    PassRateBand band = new PassRateBand(0.25, 0.75, 0);
    assertThat(band.reason(2, 8)).isEqualTo(PassRateBand.AT_OR_BELOW_MIN); // 0.25 <= min
    assertThat(band.reason(3, 8)).isNull();
    assertThat(band.reason(6, 8)).isNull(); // 0.75 <= max
    assertThat(band.reason(7, 8)).isEqualTo(PassRateBand.ABOVE_MAX);
    // 3/10 = 0.3 and 7/10 = 0.7: decimal bounds hit exactly
    PassRateBand tenths = new PassRateBand(0.3, 0.7, 0);
    assertThat(tenths.reason(3, 10)).isEqualTo(PassRateBand.AT_OR_BELOW_MIN);
    assertThat(tenths.reason(7, 10)).isNull();
    assertThat(tenths.reason(1, 3)).isNull();
  }

  @Test
  void withoutHardBelowNothingIsHard() {
    PassRateBand band = new PassRateBand(0.0, 1.0, 0);
    assertThat(band.hard(1, 64)).isFalse();
    assertThat(band.reason(64, 64)).isNull();
  }

  @Test
  void hardPromptsAreKeptOnesOnly() {
    // 0 of 64 is below 4 but removed by min, so not part of the hard subset
    assertThat(PAPER.hard(0, 64)).isFalse();
    assertThat(PAPER.hard(3, 64)).isTrue();
    assertThat(PAPER.hard(4, 64)).isFalse();
    PassRateBand all = new PassRateBand(0.0, 0.05, 64);
    assertThat(all.hard(4, 64)).isFalse(); // 4/64 = 0.0625 > max: removed, so not hard
  }

  @Test
  void invalidBoundsAndCountsAreRejected() {
    assertThatThrownBy(() -> new PassRateBand(0.5, 0.5, 0))
        .hasMessageContaining("0 <= min < max <= 1");
    assertThatThrownBy(() -> new PassRateBand(-0.1, 0.5, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PassRateBand(0.0, 1.5, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PassRateBand(0.0, 0.8, -1)).hasMessageContaining("hard-below");
    assertThatThrownBy(() -> PassRateBand.passRate(9, 8)).hasMessageContaining("9 correct of 8");
    assertThatThrownBy(() -> PassRateBand.passRate(0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
