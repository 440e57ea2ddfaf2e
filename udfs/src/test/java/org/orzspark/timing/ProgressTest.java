package org.orzspark.timing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void clockShowsMinutesAndSecondsThenHours() {
    assertThat(Progress.clock(0)).isEqualTo("0:00");
    assertThat(Progress.clock(42)).isEqualTo("0:42");
    assertThat(Progress.clock(59.6)).isEqualTo("1:00");
    assertThat(Progress.clock(3725)).isEqualTo("1:02:05");
  }

  @Test
  void remainingExtrapolatesTheCompletedUnits() {
    // 3 of 10 iterations took 90 s: 30 s each, 7 left.
    assertThat(Progress.remainingSeconds(3, 10, 90)).isEqualTo(210.0);
    assertThat(Progress.remainingSeconds(0, 10, 5)).isZero();
    assertThat(Progress.remainingSeconds(10, 10, 300)).isZero();
  }
}
