package org.orzspark.generation;

import java.nio.charset.StandardCharsets;
import org.orzspark.random.Seeds;

/**
 * The uniform random number behind one sampling decision, a pure function of (seed, prompt id,
 * sample index, step): a sample's tokens cannot depend on which other sequences share its batch, on
 * the executor, or on retries.
 */
public final class SampleRandom {
  private SampleRandom() {}

  /** A uniform double in [0, 1). */
  public static double uniform(long seed, String promptId, int sampleIndex, int step) {
    long h = Seeds.finalizer(seed ^ 0x6A09E667F3BCC909L);
    h = Seeds.finalizer(h ^ fnv1a(promptId));
    h = Seeds.finalizer(h ^ (sampleIndex * 0x9E3779B97F4A7C15L));
    h = Seeds.finalizer(h ^ (step * 0xC2B2AE3D27D4EB4FL + 1));
    return (h >>> 11) * 0x1.0p-53;
  }

  /** 64-bit FNV-1a over the UTF-8 bytes of {@code text}. */
  static long fnv1a(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
