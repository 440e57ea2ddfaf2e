package org.orzspark.run;

/**
 * The valid values of a numeric setting: an interval whose ends are each included or not; an
 * unbounded end is an infinite bound, never included. Integers use it too (every {@code int} is
 * exact as a {@code double}).
 */
public record Range(double lower, boolean lowerIncluded, double upper, boolean upperIncluded) {

  /** {@code [lower, upper]}. */
  public static Range closed(double lower, double upper) {
    return new Range(lower, true, upper, true);
  }

  /** {@code (lower, upper)}. */
  public static Range open(double lower, double upper) {
    return new Range(lower, false, upper, false);
  }

  /** {@code [lower, upper)}. */
  public static Range closedOpen(double lower, double upper) {
    return new Range(lower, true, upper, false);
  }

  /** {@code (lower, upper]}. */
  public static Range openClosed(double lower, double upper) {
    return new Range(lower, false, upper, true);
  }

  /** {@code [lower, ∞)}. */
  public static Range atLeast(double lower) {
    return new Range(lower, true, Double.POSITIVE_INFINITY, false);
  }

  /** {@code (lower, ∞)}. */
  public static Range greaterThan(double lower) {
    return new Range(lower, false, Double.POSITIVE_INFINITY, false);
  }

  /** Whether {@code value} lies in the interval; NaN never does. */
  public boolean contains(double value) {
    return (lowerIncluded ? value >= lower : value > lower)
        && (upperIncluded ? value <= upper : value < upper);
  }

  /** As users read it in an error or a help text: {@code in [0, 1]}, {@code >= 0}, {@code > 0}. */
  @Override
  public String toString() {
    if (upper == Double.POSITIVE_INFINITY) {
      return (lowerIncluded ? ">= " : "> ") + bound(lower);
    }
    return "in "
        + (lowerIncluded ? "[" : "(")
        + bound(lower)
        + ", "
        + bound(upper)
        + (upperIncluded ? "]" : ")");
  }

  /** A whole bound without the {@code .0} that {@link Double#toString} gives it. */
  private static String bound(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
