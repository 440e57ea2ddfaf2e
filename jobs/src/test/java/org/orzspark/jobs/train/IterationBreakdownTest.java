package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.jobs.train.IterationBreakdown.Span;

class IterationBreakdownTest {

  @Test
  void splitsTheSlotTimeIntoComputeInTaskIdleAndDriverGaps() {
    // 2 s start; a 10 s iteration on 2 slots (20 slot-s); stages ran 8 s of it (16 slot-s),
    // tasks held 12 slot-s, 7 of them in model compute.
    IterationBreakdown b = new IterationBreakdown(2, 10, 2, 8, 12, 7);
    // idle: 16 − 12 = 4 slot-s, 4 / 20 = 20%
    assertThat(b.idleSlotSeconds()).isCloseTo(4, within(1e-12));
    assertThat(b.idleSlotShare()).isCloseTo(0.2, within(1e-12));
    // no stage running: 10 − 8 = 2 s; in-task non-compute: (12 − 7) / 2 = 2.5 s
    assertThat(b.driverGapSeconds()).isCloseTo(2, within(1e-12));
    assertThat(b.inTaskSeconds()).isCloseTo(2.5, within(1e-12));
    // fixed cost: 2 + 2 + 2.5 = 6.5 s = 2 + (20 − 7 − 4) / 2
    assertThat(b.fixedCostSeconds()).isCloseTo(6.5, within(1e-12));
    // over start + wall: 6.5 / 12
    assertThat(b.orchestrationShare()).isCloseTo(6.5 / 12, within(1e-12));
    // not covered by tasks: 10 − 12 / 2 = 4 s = 2 s of driver gaps + 4 idle slot-s / 2 slots
    assertThat(b.uncoveredSeconds()).isCloseTo(4, within(1e-12));
    // 7 s of compute out of 20 slot-s
    assertThat(b.computeShare()).isCloseTo(0.35, within(1e-12));
    assertThat(b.overheads())
        .isEqualTo(new IterationBreakdown.Overheads(6.5, 2, 2.5, 4, 0.2, 6.5 / 12, 4));
  }

  @Test
  void aStageSpanBeyondTheWallTimeOrTasksBeyondTheSpanLeaveNoNegativePart() {
    // stages reported 11 s of a 10 s iteration (clocks): no driver gap, 22 − 20 = 0 idle
    IterationBreakdown clocks = new IterationBreakdown(0, 10, 2, 11, 20, 20);
    assertThat(clocks.driverGapSeconds()).isZero();
    assertThat(clocks.idleSlotSeconds()).isZero();
    assertThat(clocks.inTaskSeconds()).isZero();
    assertThat(clocks.fixedCostSeconds()).isZero();
    // tasks held more than the span's slot time, compute above the tasks' time
    IterationBreakdown over = new IterationBreakdown(1, 10, 1, 4, 6, 7);
    assertThat(over.idleSlotSeconds()).isZero();
    assertThat(over.inTaskSeconds()).isZero();
    assertThat(over.fixedCostSeconds()).isCloseTo(1 + 6, within(1e-12));
  }

  @Test
  void overlappingWorkCoversTheWholeWallTime() {
    assertThat(new IterationBreakdown(0, 10, 1, 10, 12, 0).uncoveredSeconds()).isZero();
  }

  @Test
  void theStageSpanCountsOverlapsOnce() {
    // [0, 10] ∪ [5, 15] ∪ [20, 21] ∪ [2, 3] (nested) = 15 + 1 = 16 ms, given out of order
    assertThat(
            IterationBreakdown.unionSeconds(
                List.of(new Span(20, 21), new Span(5, 15), new Span(0, 10), new Span(2, 3))))
        .isCloseTo(0.016, within(1e-12));
    // touching intervals: [0, 1000] ∪ [1000, 2500] = 2.5 s
    assertThat(IterationBreakdown.unionSeconds(List.of(new Span(0, 1000), new Span(1000, 2500))))
        .isCloseTo(2.5, within(1e-12));
    assertThat(IterationBreakdown.unionSeconds(List.of())).isZero();
    assertThatThrownBy(() -> new Span(2, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsEmptyOrNegativeFigures() {
    assertThatThrownBy(() -> new IterationBreakdown(0, 0, 2, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IterationBreakdown(0, 5, 0, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IterationBreakdown(0, 5, 2, 1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IterationBreakdown(-1, 5, 2, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IterationBreakdown(0, 5, 2, -1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
