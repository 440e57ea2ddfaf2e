package org.orzspark.analysis;

/**
 * Smoothing of per-iteration series for charts. A demo iteration draws 16 prompts, so its mean
 * reward moves by several points from one iteration to the next on sampling noise alone; the trend
 * a reader looks for shows only over a window of iterations.
 */
public final class Smoothing {
  private Smoothing() {}

  /**
   * The trailing mean: element {@code i} is the mean of the finite values among {@code values[i −
   * window + 1 .. i]}, NaN when there is none. Trailing rather than centred, so that the last point
   * uses no future iteration and a run still in progress does not redraw its past.
   *
   * @param window iterations averaged, at least 1
   */
  public static double[] trailingMean(double[] values, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    double[] out = new double[values.length];
    double sum = 0;
    int count = 0;
    for (int i = 0; i < values.length; i++) {
      if (Double.isFinite(values[i])) {
        sum += values[i];
        count++;
      }
      int leaving = i - window;
      if (leaving >= 0 && Double.isFinite(values[leaving])) {
        sum -= values[leaving];
        count--;
      }
      out[i] = count == 0 ? Double.NaN : sum / count;
    }
    return out;
  }
}
