package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Small conversions between Java 2-d arrays and {@code [B, T]} NDArrays for tests. */
final class Arrays2d {
  private Arrays2d() {}

  static NDArray floats(NDManager m, double[][] x) {
    float[] flat = new float[x.length * x[0].length];
    for (int b = 0; b < x.length; b++) {
      for (int t = 0; t < x[0].length; t++) {
        flat[b * x[0].length + t] = (float) x[b][t];
      }
    }
    return m.create(flat, new Shape(x.length, x[0].length));
  }

  static NDArray mask(NDManager m, int[][] x) {
    return longs(m, x).neq(0);
  }

  static NDArray longs(NDManager m, int[][] x) {
    long[] flat = new long[x.length * x[0].length];
    for (int b = 0; b < x.length; b++) {
      for (int t = 0; t < x[0].length; t++) {
        flat[b * x[0].length + t] = x[b][t];
      }
    }
    return m.create(flat, new Shape(x.length, x[0].length));
  }

  static double[][] toDoubles(NDArray a) {
    int rows = (int) a.getShape().get(0);
    int cols = (int) a.getShape().get(1);
    float[] flat = a.toFloatArray();
    double[][] out = new double[rows][cols];
    for (int b = 0; b < rows; b++) {
      for (int t = 0; t < cols; t++) {
        out[b][t] = flat[b * cols + t];
      }
    }
    return out;
  }
}
