package org.orzspark.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {

  @Test
  void aDeadlinePassesAfterItsTimeoutAndHasNothingLeftThen() throws InterruptedException {
    Deadline soon = Deadline.in(Duration.ofMillis(5));
    Thread.sleep(20);
    assertThat(soon.passed()).isTrue();
    assertThat(soon.remaining()).isZero();
  }

  @Test
  void aLongDeadlineIsNotPassedAndHasAtMostItsTimeoutLeft() {
    Deadline later = Deadline.in(Duration.ofHours(1));
    assertThat(later.passed()).isFalse();
    assertThat(later.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
  }
}
