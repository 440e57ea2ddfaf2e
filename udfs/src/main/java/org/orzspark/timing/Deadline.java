package org.orzspark.timing;

import java.time.Duration;

/**
 * A point in time on the monotonic clock ({@link System#nanoTime()}) by which something must have
 * happened, so that waiting loops read as what they wait for instead of {@code nanoTime()}
 * arithmetic.
 */
public final class Deadline {
  private final long atNanos;

  private Deadline(long atNanos) {
    this.atNanos = atNanos;
  }

  /** The deadline {@code timeout} from now. */
  public static Deadline in(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  /** Whether the deadline has passed. */
  public boolean passed() {
    return System.nanoTime() - atNanos > 0;
  }

  /** The time left until the deadline, zero once it has passed. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
  }
}
