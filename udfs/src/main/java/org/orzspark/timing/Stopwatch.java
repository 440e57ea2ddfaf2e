package org.orzspark.timing;

/**
 * Elapsed wall time since a start, on the monotonic clock ({@link System#nanoTime()}), so that
 * timing code reads as what it measures instead of pairs of {@code nanoTime()} calls. A stopwatch
 * is never stopped: each reading is the time from its start (or last {@link #restart}) to now.
 */
public final class Stopwatch {
  private long startedNanos;

  private Stopwatch(long startedNanos) {
    this.startedNanos = startedNanos;
  }

  /** A stopwatch running from now. */
  public static Stopwatch start() {
    return new Stopwatch(System.nanoTime());
  }

  /** Nanoseconds since the start. */
  public long nanos() {
    return System.nanoTime() - startedNanos;
  }

  /** Whole milliseconds since the start (rounded down). */
  public long millis() {
    return nanos() / 1_000_000;
  }

  /** Seconds since the start. */
  public double seconds() {
    return nanos() / 1e9;
  }

  /** Returns the nanoseconds since the start and starts again from now (a lap). */
  public long restart() {
    long now = System.nanoTime();
    long lap = now - startedNanos;
    startedNanos = now;
    return lap;
  }

  /** Work to time that may throw. */
  @FunctionalInterface
  public interface Work<E extends Exception> {
    void run() throws E;
  }

  /** Runs {@code work} and returns how many nanoseconds it took. */
  public static <E extends Exception> long nanosOf(Work<E> work) throws E {
    Stopwatch watch = start();
    work.run();
    return watch.nanos();
  }
}
