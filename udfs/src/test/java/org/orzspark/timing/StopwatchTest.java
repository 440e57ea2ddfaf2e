package org.orzspark.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class StopwatchTest {

  @Test
  void readingsGrowWithTimeAndAgreeAcrossUnits() throws InterruptedException {
    Stopwatch watch = Stopwatch.start();
    Thread.sleep(20);
    long nanos = watch.nanos();
    assertThat(nanos).isGreaterThanOrEqualTo(20_000_000L);
    assertThat(watch.millis()).isGreaterThanOrEqualTo(nanos / 1_000_000);
    assertThat(watch.seconds()).isGreaterThanOrEqualTo(nanos / 1e9);
  }

  @Test
  void restartReturnsTheLapAndCountsFromThen() throws InterruptedException {
    Stopwatch watch = Stopwatch.start();
    Thread.sleep(30);
    long lap = watch.restart();
    assertThat(lap).isGreaterThanOrEqualTo(30_000_000L);
    assertThat(watch.nanos()).isLessThan(lap);
  }

  @Test
  void nanosOfTimesTheWorkAndPassesItsExceptionThrough() throws InterruptedException {
    long nanos = Stopwatch.nanosOf(() -> Thread.sleep(10));
    assertThat(nanos).isGreaterThanOrEqualTo(10_000_000L);
    assertThatThrownBy(
            () ->
                Stopwatch.<IOException>nanosOf(
                    () -> {
                      throw new IOException("disk");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk");
  }
}
