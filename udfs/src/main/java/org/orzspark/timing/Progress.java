package org.orzspark.timing;

import java.util.Locale;

/** How progress lines say time: elapsed and remaining, as a clock. */
public final class Progress {
  private Progress() {}

  /** Seconds as {@code m:ss}, or {@code h:mm:ss} from an hour (rounded to the second). */
  public static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /**
   * The time left when {@code done} of {@code total} equal units took {@code elapsedSeconds},
   * assuming the remaining units run as fast as the completed ones; 0 before any unit is done
   * (nothing to extrapolate from) and once all are.
   */
  public static double remainingSeconds(long done, long total, double elapsedSeconds) {
    return done <= 0 || done >= total ? 0 : elapsedSeconds / done * (total - done);
  }
}
