package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class IterationBreakdownTest {

  @Test
  void orchestrationIsTheWallTimeThatTaskWorkOnAllSlotsCannotCover() {
    // 40 s of task work on 2 slots covers 20 s of a 25 s iteration: 5 s (20%) is orchestration.
    IterationBreakdown b = new IterationBreakdown(25, 2, 40, 30);
    assertThat(b.orchestrationSeconds()).isCloseTo(5, within(1e-12));
    assertThat(b.orchestrationShare()).isCloseTo(0.2, within(1e-12));
    // 30 s of compute out of 2 × 25 slot-seconds
    assertThat(b.computeShare()).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void overlappingWorkCountsAsNoOverhead() {
    assertThat(new IterationBreakdown(10, 1, 12, 0).orchestrationSeconds()).isZero();
  }

  @Test
  void rejectsEmptyOrNegativeFigures() {
    assertThatThrownBy(() -> new IterationBreakdown(0, 2, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IterationBreakdown(5, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IterationBreakdown(5, 2, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
