package org.orzspark.model;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a new critic's value head {@code score} (hidden → 1, no bias) is initialised.
 *
 * <ul>
 *   <li>{@link #UNIFORM} (the paper, the default): PyTorch's {@code Linear} default,
 *       kaiming-uniform with a = √5, i.e. U(−1/√H, 1/√H);
 *   <li>{@link #NORMAL} (the reference code): N(0, σ²) with σ = 1/(H + 1).
 * </ul>
 */
public enum ValueHeadInit {
  UNIFORM,
  NORMAL;

  public static final ValueHeadInit DEFAULT = UNIFORM;

  /** Parses {@code uniform} or {@code normal}. */
  public static ValueHeadInit parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown value head init '" + name + "'; valid: uniform, normal", e);
    }
  }

  /** The H weights of the head, drawn from a stream seeded by {@code seed}. */
  public float[] sample(int hidden, long seed) {
    SplittableRandom random = ParameterInit.stream(seed, CriticModel.VALUE_HEAD);
    float[] weights = new float[hidden];
    for (int i = 0; i < hidden; i++) {
      weights[i] =
          switch (this) {
            case UNIFORM -> (float) ((random.nextDouble() * 2 - 1) / Math.sqrt(hidden));
            case NORMAL -> (float) (random.nextGaussian() / (hidden + 1.0));
          };
    }
    return weights;
  }
}
