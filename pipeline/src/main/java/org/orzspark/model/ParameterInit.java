package org.orzspark.model;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded initial weights in Hugging Face's {@code Qwen2PreTrainedModel} scheme: linear and
 * embedding weights ~ N(0, 0.02²), biases 0, RMSNorm weights 1. Each tensor draws from its own
 * stream seeded by (seed, name), so a tensor's values do not depend on the order tensors are
 * created in. Values are generated as they are read, so no tensor is ever held in Java memory.
 */
public final class ParameterInit {
  public static final double INITIALIZER_RANGE = 0.02;

  private ParameterInit() {}

  /** Random weights for every tensor of {@code shapes} (Hugging Face names → shapes). */
  public static Map<String, TensorValues> qwen2(Map<String, long[]> shapes, long seed) {
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> tensors.put(name, new Generated(name, shape, seed)));
    return tensors;
  }

  /** The random stream of tensor {@code name} under {@code seed}. */
  static SplittableRandom stream(long seed, String name) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
  }

  /** One tensor's initial values, drawn in row-major order as they are read. */
  private record Generated(String name, long[] shape, long seed) implements TensorValues {
    @Override
    public Reader open() {
      SplittableRandom random = stream(seed, name);
      boolean norm = name.endsWith("norm.weight");
      boolean bias = name.endsWith(".bias");
      return new Reader() {
        private long left = size();

        @Override
        public void read(FloatBuffer into) {
          if (into.remaining() > left) {
            throw new IllegalArgumentException(
                "tensor '" + name + "': " + into.remaining() + " values asked, " + left + " left");
          }
          left -= into.remaining();
          while (into.hasRemaining()) {
            into.put(norm ? 1f : bias ? 0f : (float) (random.nextGaussian() * INITIALIZER_RANGE));
          }
        }

        @Override
        public void close() {}
      };
    }
  }
}
