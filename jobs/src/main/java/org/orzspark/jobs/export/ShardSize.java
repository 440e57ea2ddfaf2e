package org.orzspark.jobs.export;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shard size as transformers' {@code max_shard_size} writes it: a number of bytes ({@code
 * 1000000}), decimal units ({@code 5GB} = 5 x 10^9, the default, {@code 500MB}, {@code 200KB},
 * {@code 1TB}) or binary ones ({@code 2GiB} = 2 x 2^30, {@code MiB}, {@code KiB}, {@code TiB}),
 * case-insensitive.
 */
public final class ShardSize {
  /** transformers' default {@code max_shard_size}. */
  public static final String DEFAULT = "5GB";

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]I?B)?");

  private ShardSize() {}

  /** The size in bytes; anything else, zero or an overflow is refused naming the valid forms. */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--max-shard-size '"
              + text
              + "' is not a size; give bytes or a number with KB, MB, GB, TB (powers of 1000) or"
              + " KiB, MiB, GiB, TiB (powers of 1024), e.g. "
              + DEFAULT);
    }
    long unit = m.group(2) == null ? 1 : unit(m.group(2));
    try {
      long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
      if (bytes <= 0) {
        throw new IllegalArgumentException("--max-shard-size must be positive, got '" + text + "'");
      }
      return bytes;
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("--max-shard-size '" + text + "' is too large", e);
    }
  }

  private static long unit(String suffix) {
    boolean binary = suffix.contains("I");
    int power = "KMGT".indexOf(suffix.charAt(0)) + 1;
    long base = binary ? 1024 : 1000;
    long unit = 1;
    for (int i = 0; i < power; i++) {
      unit *= base;
    }
    return unit;
  }
}
