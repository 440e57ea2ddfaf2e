package org.orzspark.pretrain;

/** Derives independent seeds for numbered sub-streams from one run seed. */
final class Seeds {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private Seeds() {}

  /** SplitMix64's finaliser over (seed, index): nearby indices give unrelated streams. */
  static long derive(long seed, long index) {
    long z = seed + GOLDEN_GAMMA * (index + 1);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
