package org.orzspark.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded initial weights in Hugging Face's {@code Qwen2PreTrainedModel} scheme: linear and
 * embedding weights ~ N(0, 0.02²), biases 0, RMSNorm weights 1. Each tensor draws from its own
 * stream seeded by (seed, name), so a tensor's values do not depend on the order tensors are
 * created in.
 */
public final class ParameterInit {
  public static final double INITIALIZER_RANGE = 0.02;

  private ParameterInit() {}

  /** Random weights for every tensor of {@code shapes} (Hugging Face names → shapes). */
  public static Map<String, HostTensor> qwen2(Map<String, long[]> shapes, long seed) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    shapes.forEach(
        (name, shape) -> {
          float[] values = new float[(int) HostTensor.elementCount(shape)];
          if (name.endsWith("norm.weight")) {
            Arrays.fill(values, 1f);
          } else if (!name.endsWith(".bias")) {
            SplittableRandom random = stream(seed, name);
            for (int i = 0; i < values.length; i++) {
              values[i] = (float) (random.nextGaussian() * INITIALIZER_RANGE);
            }
          }
          tensors.put(name, new HostTensor(name, shape, values));
        });
    return tensors;
  }

  /** The random stream of tensor {@code name} under {@code seed}. */
  static SplittableRandom stream(long seed, String name) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
  }
}
