package org.orzspark.model;

import java.io.Closeable;
import java.io.IOException;
import java.nio.FloatBuffer;

/**
 * A named float32 tensor whose values are read in row-major order, a chunk at a time: a tensor in a
 * safetensors file, in an engine array, generated, or (small) in a Java array. Nothing requires a
 * whole tensor in one Java array or buffer, so tensors past 2^31 bytes (Qwen2.5-7B's embedding is
 * 545M floats) travel between files and engine arrays in bounded memory.
 */
public interface TensorValues {
  /** Hugging Face parameter name, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
  String name();

  /** Dimensions, outermost first. */
  long[] shape();

  /** Number of values, {@code product(shape)}. */
  default long size() {
    return HostTensor.elementCount(shape());
  }

  /** A reader positioned at the first value; every call reads the tensor afresh. */
  Reader open() throws IOException;

  /** Sequential access to the values. */
  interface Reader extends Closeable {
    /**
     * Puts the next {@code into.remaining()} values into {@code into}; asking for more values than
     * are left is an error.
     */
    void read(FloatBuffer into) throws IOException;
  }
}
