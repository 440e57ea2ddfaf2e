package org.orzspark.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {

  @Test
  void aDeadlinePassesAfterItsTimeoutAndHasNothingLeftThen() throws InterruptedException {
    Deadline soon = Deadline.in(Duration.ofMillis(20));
    assertThat(soon.passed()).isFalse();
    assertThat(soon.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(20));
    Thread.sleep(30);
    assertThat(soon.passed()).isTrue();
    assertThat(soon.remaining()).isZero();
  }

  @Test
  void aLongDeadlineIsNotPassed() {
    assertThat(Deadline.in(Duration.ofHours(1)).passed()).isFalse();
  }
}
