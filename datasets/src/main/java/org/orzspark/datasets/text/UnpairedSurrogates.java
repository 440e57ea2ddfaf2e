package org.orzspark.datasets.text;

/**
 * Finds UTF-16 surrogates that are not half of a pair. Java strings may hold them (the JSON escape
 * <code>&#92;ud800</code> decodes to one), but UTF-8 cannot represent them: Java's encoder writes
 * {@code ?} in their place, so a text holding one cannot be written to Parquet or to UTF-8 JSON as
 * it is.
 */
public final class UnpairedSurrogates {

  private UnpairedSurrogates() {}

  /** Whether the character at {@code i} is a surrogate without its other half next to it. */
  public static boolean at(CharSequence text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }

  /** The index of the first unpaired surrogate at or after {@code from}, or -1. */
  public static int indexIn(CharSequence text, int from) {
    for (int i = from; i < text.length(); i++) {
      if (at(text, i)) {
        return i;
      }
    }
    return -1;
  }
}
