package org.orzspark.plan;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as Spark writes them ({@code 80g}, {@code 512m}): binary units, 1g = 2³⁰ bytes. */
public final class ByteSize {
  private ByteSize() {}

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt])i?b?", Pattern.CASE_INSENSITIVE);
  private static final String UNITS = "kmgt";
  private static final String[] NAMES = {"B", "KiB", "MiB", "GiB", "TiB"};

  /**
   * Bytes of a size with a unit: a number, then k, m, g or t (optionally followed by {@code b} or
   * {@code ib}), e.g. {@code 80g}, {@code 80GiB}, {@code 0.5t}. A bare number is refused: Spark
   * would read it as bytes, which as a GPU's memory is always a mistake.
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a memory size with a unit, e.g. 80g or 141g");
    }
    int power = UNITS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
    double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
    if (bytes < 1 || bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is not a usable memory size");
    }
    return (long) bytes;
  }

  /**
   * {@code bytes} in the largest binary unit that keeps the number at least 1, two decimals: {@code
   * 14.18 GiB}.
   */
  public static String format(long bytes) {
    int unit = 0;
    double value = bytes;
    while (Math.abs(value) >= 1024 && unit < NAMES.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", value, NAMES[unit]);
  }
}
