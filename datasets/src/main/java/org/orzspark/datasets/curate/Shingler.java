package org.orzspark.datasets.curate;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * n-gram shingles of a normalised question ({@link QuestionNormalizer}), hashed into {@code [0,
 * 2^DIMENSION_BITS)}: the set whose Jaccard similarity near-duplicate detection estimates.
 *
 * <ul>
 *   <li>{@link Unit#CHAR}: every run of n consecutive code points;
 *   <li>{@link Unit#WORD}: every run of n consecutive tokens, a token being a run of letters, a run
 *       of digits or one other non-space character.
 * </ul>
 *
 * A text with fewer than n units has one shingle, the whole text, so short questions still compare
 * (equal short texts are similar, different ones are not); an empty text has no shingles.
 */
public final class Shingler implements Serializable {

  /**
   * Shingles hash into 2^26 buckets: collisions between shingles of two questions are negligible.
   */
  public static final int DIMENSION_BITS = 26;

  public static final int DIMENSION = 1 << DIMENSION_BITS;

  private static final Pattern TOKEN = Pattern.compile("\\p{L}+|\\p{N}+|[^\\s\\p{L}\\p{N}]");
  private static final int HASH_SEED = 42;

  /** What a shingle is made of. */
  public enum Unit {
    CHAR,
    WORD;

    public static Unit parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown shingle unit '" + name + "'; valid: " + Arrays.toString(values()), e);
      }
    }
  }

  private final int n;
  private final Unit unit;

  public Shingler(int n, Unit unit) {
    if (n < 1) {
      throw new IllegalArgumentException("n-gram size must be >= 1: " + n);
    }
    this.n = n;
    this.unit = unit;
  }

  /** The sorted, distinct shingle indices of {@code normalised}. */
  public int[] shingles(String normalised) {
    List<String> units = units(normalised);
    if (units.isEmpty()) {
      return new int[0];
    }
    String separator = unit == Unit.WORD ? " " : "";
    int count = Math.max(1, units.size() - n + 1);
    int[] indices = new int[count];
    for (int i = 0; i < count; i++) {
      String shingle = String.join(separator, units.subList(i, Math.min(units.size(), i + n)));
      indices[i] = index(shingle);
    }
    return Arrays.stream(indices).sorted().distinct().toArray();
  }

  private List<String> units(String text) {
    List<String> units = new ArrayList<>();
    if (unit == Unit.CHAR) {
      text.codePoints().forEach(c -> units.add(Character.toString(c)));
    } else {
      Matcher m = TOKEN.matcher(text);
      while (m.find()) {
        units.add(m.group());
      }
    }
    return units;
  }

  private static int index(String shingle) {
    byte[] bytes = shingle.getBytes(StandardCharsets.UTF_8);
    int hash =
        Murmur3_x86_32.hashUnsafeBytes(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length, HASH_SEED);
    return hash & (DIMENSION - 1);
  }

  /**
   * Jaccard similarity |a ∩ b| / |a ∪ b| of two sorted distinct index arrays (a merge walk); 0 when
   * both are empty.
   */
  public static double jaccard(int[] a, int[] b) {
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        common++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    int union = a.length + b.length - common;
    return union == 0 ? 0 : (double) common / union;
  }
}
