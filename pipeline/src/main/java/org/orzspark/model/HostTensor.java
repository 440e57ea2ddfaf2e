package org.orzspark.model;

import java.util.Arrays;

/**
 * A named float32 tensor in Java memory, row-major: the form in which weights travel between
 * safetensors files and DJL parameters.
 *
 * @param name Hugging Face parameter name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param shape dimensions, outermost first
 * @param data {@code product(shape)} values, row-major
 */
public record HostTensor(String name, long[] shape, float[] data) {

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
