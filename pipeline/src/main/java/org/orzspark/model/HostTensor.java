package org.orzspark.model;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A named float32 tensor in one Java array, row-major: for small tensors (a value head, test
 * fixtures). Large tensors stay in files or engine arrays as other {@link TensorValues}.
 *
 * @param name Hugging Face parameter name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param shape dimensions, outermost first
 * @param data {@code product(shape)} values, row-major
 */
public record HostTensor(String name, long[] shape, float[] data) implements TensorValues {

  public HostTensor {
    if (elementCount(shape) != data.length) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "': shape "
              + Arrays.toString(shape)
              + " needs "
              + elementCount(shape)
              + " values, got "
              + data.length);
    }
  }

  /** All values of {@code tensor} in one array; refused for tensors a Java array cannot hold. */
  public static HostTensor copyOf(TensorValues tensor) throws IOException {
    long size = tensor.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "tensor '" + tensor.name() + "' of " + size + " values does not fit one Java array");
    }
    float[] data = new float[(int) size];
    try (Reader reader = tensor.open()) {
      reader.read(FloatBuffer.wrap(data));
    }
    return new HostTensor(tensor.name(), tensor.shape(), data);
  }

  @Override
  public Reader open() {
    FloatBuffer values = FloatBuffer.wrap(data).asReadOnlyBuffer();
    return new Reader() {
      @Override
      public void read(FloatBuffer into) {
        int n = into.remaining();
        if (n > values.remaining()) {
          throw new IllegalArgumentException(
              "tensor '" + name + "': " + n + " values asked, " + values.remaining() + " left");
        }
        into.put(values.slice().limit(n));
        values.position(values.position() + n);
      }

      @Override
      public void close() {}
    };
  }

  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }
}
