package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Mask and segment helpers shared by GAE and the losses (see the package comment for the layout).
 */
final class TokenLayout {
  private TokenLayout() {}

  /** {@code [B, T]} boolean: true on response tokens. */
  static NDArray maskBool(NDArray responseMask) {
    return responseMask.getDataType() == DataType.BOOLEAN ? responseMask : responseMask.neq(0);
  }

  /** {@code x} as fp32 with zeros at masked positions (so NaN or garbage there cannot leak). */
  static NDArray masked(NDArray x, NDArray maskBool) {
    NDArray f = x.toType(DataType.FLOAT32, false);
    return NDArrays.where(maskBool, f, f.zerosLike());
  }

  /**
   * Per-token weights for "token mean within each sample": {@code 1 / n_s} on the response tokens
   * of a sample s with {@code n_s} response tokens, 0 elsewhere. A sample is a maximal run of equal
   * segment ids in a row (the whole row when {@code segmentIds} is null). Returns the weights as a
   * {@code [B, T]} fp32 array (not differentiable: pure layout) and the number of samples that have
   * at least one response token.
   */
  static SampleWeights sampleWeights(NDArray maskBool, NDArray segmentIds) {
    Shape shape = maskBool.getShape();
    checkShape("segmentIds", segmentIds, shape);
    int rows = (int) shape.get(0);
    int cols = (int) shape.get(1);
    boolean[] mask = maskBool.toBooleanArray();
    long[] seg = longs(segmentIds);
    float[] weights = new float[rows * cols];
    long samples = 0;
    for (int b = 0; b < rows; b++) {
      int start = b * cols;
      int end = start + cols;
      int runStart = start;
      for (int i = start; i < end; i++) {
        boolean runEnds = i == end - 1 || (seg != null && seg[i] != seg[i + 1]);
        if (runEnds) {
          int tokens = 0;
          for (int j = runStart; j <= i; j++) {
            tokens += mask[j] ? 1 : 0;
          }
          if (tokens > 0) {
            samples++;
            for (int j = runStart; j <= i; j++) {
              weights[j] = mask[j] ? 1f / tokens : 0f;
            }
          }
          runStart = i + 1;
        }
      }
    }
    return new SampleWeights(maskBool.getManager().create(weights, shape), samples);
  }

  /**
   * {@code [B, T]} fp32: 1 on the last response token of each sample (the token that carries the
   * sample's terminal reward), 0 elsewhere.
   */
  static NDArray lastResponseTokens(NDArray responseMask, NDArray segmentIds) {
    Shape shape = responseMask.getShape();
    checkShape("segmentIds", segmentIds, shape);
    int rows = (int) shape.get(0);
    int cols = (int) shape.get(1);
    boolean[] mask = booleans(responseMask);
    long[] seg = longs(segmentIds);
    float[] last = new float[rows * cols];
    for (int b = 0; b < rows; b++) {
      boolean responseAhead = false;
      for (int i = b * cols + cols - 1; i >= b * cols; i--) {
        boolean boundary = i == b * cols + cols - 1 || (seg != null && seg[i] != seg[i + 1]);
        responseAhead &= !boundary;
        if (mask[i] && !responseAhead) {
          last[i] = 1f;
        }
        responseAhead |= mask[i];
      }
    }
    return responseMask.getManager().create(last, shape);
  }

  record SampleWeights(NDArray perToken, long samples) {}

  /** The response mask as host booleans. */
  static boolean[] booleans(NDArray responseMask) {
    if (responseMask.getDataType() == DataType.BOOLEAN) {
      return responseMask.toBooleanArray();
    }
    try (NDArray b = responseMask.neq(0)) {
      return b.toBooleanArray();
    }
  }

  /** Host fp32 copy of {@code x}. */
  static float[] floats(NDArray x) {
    if (x.getDataType() == DataType.FLOAT32) {
      return x.toFloatArray();
    }
    try (NDArray f = x.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  /** Host int64 copy of integer ids, or null for null. */
  static long[] longs(NDArray ids) {
    if (ids == null) {
      return null;
    }
    if (ids.getDataType() == DataType.INT64) {
      return ids.toLongArray();
    }
    try (NDArray l = ids.toType(DataType.INT64, true)) {
      return l.toLongArray();
    }
  }

  static void checkShape(String name, NDArray x, Shape expected) {
    if (x != null && !x.getShape().equals(expected)) {
      throw new IllegalArgumentException(
          "Invalid " + name + " shape: " + x.getShape() + ", expected " + expected);
    }
  }
}
