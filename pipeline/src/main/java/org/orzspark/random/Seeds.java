package org.orzspark.random;

import java.nio.charset.StandardCharsets;

/**
 * Seed derivation for the whole project, built on SplitMix64: every random choice of a run is a
 * pure function of (run seed, what it is for), whatever machine or task computes it.
 */
public final class Seeds {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** SplitMix64's finaliser: a bijective 64-bit mix with good avalanche. */
  public static long finalizer(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The seed of numbered sub-stream {@code index}: nearby indices give unrelated streams. */
  public static long derive(long seed, long index) {
    return finalizer(seed + GOLDEN_GAMMA * (index + 1));
  }

  /** The seed of a labelled purpose, e.g. {@code mix(runSeed, "epoch", 3)}. */
  public static long mix(long seed, Object... path) {
    long h = step(seed);
    for (Object part : path) {
      for (byte b : String.valueOf(part).getBytes(StandardCharsets.UTF_8)) {
        h = step(h ^ (b & 0xff));
      }
      h = step(h ^ GOLDEN_GAMMA);
    }
    return h;
  }

  private static long step(long z) {
    return finalizer(z + GOLDEN_GAMMA);
  }
}
