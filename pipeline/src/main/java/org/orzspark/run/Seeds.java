package org.orzspark.run;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent seeds from the run seed and a path of labels (e.g. "epoch", 3), so that every
 * random choice of a run is a pure function of (run seed, what it is for), whatever runs it where.
 */
public final class Seeds {
  private Seeds() {}

  public static long mix(long seed, Object... path) {
    long h = splitMix(seed);
    for (Object part : path) {
      for (byte b : String.valueOf(part).getBytes(StandardCharsets.UTF_8)) {
        h = splitMix(h ^ (b & 0xff));
      }
      h = splitMix(h ^ 0x9E3779B97F4A7C15L);
    }
    return h;
  }

  /** SplitMix64's finaliser: a bijective 64-bit mix with good avalanche. */
  static long splitMix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
