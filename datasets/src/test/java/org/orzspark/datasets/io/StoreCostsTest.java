package org.orzspark.datasets.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.orzspark.datasets.io.StoreCosts.Kind;

class StoreCostsTest {

  @Test
  void aScopeAddsItsTimeToItsKindAndANestedScopeAddsNothing() throws InterruptedException {
    StoreCosts.Snapshot before = StoreCosts.snapshot();
    try (StoreCosts.Scope lock = StoreCosts.time(Kind.LOCK)) {
      Thread.sleep(20);
      try (StoreCosts.Scope nested = StoreCosts.time(Kind.RECORDS)) {
        Thread.sleep(20);
      }
    }
    try (StoreCosts.Scope markers = StoreCosts.time(Kind.MARKERS)) {
      Thread.sleep(10);
    }
    StoreCosts.Snapshot spent = StoreCosts.snapshot().minus(before);
    // The nested records scope is part of the lock's 40 ms, not counted again.
    assertThat(spent.millis(Kind.LOCK)).isGreaterThanOrEqualTo(40);
    assertThat(spent.millis(Kind.RECORDS)).isZero();
    assertThat(spent.millis(Kind.MARKERS)).isGreaterThanOrEqualTo(10);
    assertThat(spent.totalMillis())
        .isCloseTo(
            spent.millis(Kind.LOCK) + spent.millis(Kind.MARKERS) + spent.millis(Kind.CACHE),
            within(1e-6));
  }
}
