package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradients of a model's trainable parameters as one flat vector, so any transport (a barrier
 * task's TCP exchange, Arrow, Spark's allGather) can sum them across replicas. The order is the
 * {@link ParameterList} order, identical in every replica of the same model.
 */
public final class Gradients {
  private Gradients() {}

  /** The parameters that are trained, in list order, with their names. */
  public static List<Pair<String, NDArray>> trainable(ParameterList params) {
    List<Pair<String, NDArray>> out = new ArrayList<>();
    for (Pair<String, Parameter> p : params) {
      Parameter parameter = p.getValue();
      if (parameter.requiresGradient() && parameter.isInitialized()) {
        out.add(new Pair<>(p.getKey(), parameter.getArray()));
      }
    }
    return out;
  }

  /** Number of trainable scalars (the flat vector's length). */
  public static long size(ParameterList params) {
    long n = 0;
    for (Pair<String, NDArray> p : trainable(params)) {
      n += p.getValue().size();
    }
    return n;
  }

  /**
   * Sets every trainable gradient to 0 in place (also a NaN one: subtracting a gradient from itself
   * would keep the NaN).
   */
  public static void zero(ParameterList params) {
    for (Pair<String, NDArray> p : trainable(params)) {
      JniUtils.zeroGrad((PtNDArray) p.getValue());
    }
  }

  /**
   * The gradients concatenated into {@code float[size + extra]}; the {@code extra} trailing slots
   * are 0, for scalars the caller reduces in the same round (e.g. the loss).
   */
  public static float[] flatten(ParameterList params, int extra) {
    long n = size(params) + extra;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Model too large for one flat gradient array (" + n + " floats); reduce per parameter");
    }
    float[] flat = new float[(int) n];
    int offset = 0;
    for (Pair<String, NDArray> p : trainable(params)) {
      try (NDManager scope = p.getValue().getManager().newSubManager()) {
        float[] g = gradient(p.getValue(), scope).toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(g, 0, flat, offset, g.length);
        offset += g.length;
      }
    }
    return flat;
  }

  /**
   * Overwrites the gradients in place with the first {@link #size} values of {@code flat}.
   *
   * <p>The values are added into the zeroed gradient's own storage: DJL's {@code set(Buffer)} would
   * instead make the gradient borrow a Java buffer that is freed once its handle is closed and
   * collected, and the optimizer would then read freed memory (replicas diverged at random).
   */
  public static void unflatten(ParameterList params, float[] flat) {
    long expected = size(params);
    if (flat.length < expected) {
      throw new IllegalArgumentException(
          "Flat gradient too short: " + flat.length + " < " + expected + " parameters");
    }
    int offset = 0;
    for (Pair<String, NDArray> p : trainable(params)) {
      try (NDManager scope = p.getValue().getManager().newSubManager()) {
        NDArray grad = gradient(p.getValue(), scope);
        int len = (int) grad.size();
        float[] part = new float[len];
        System.arraycopy(flat, offset, part, 0, len);
        JniUtils.zeroGrad((PtNDArray) p.getValue());
        grad.addi(scope.create(part, grad.getShape()));
        offset += len;
      }
    }
  }

  /**
   * Global L2 norm over all trainable gradients, {@code sqrt(sum_p ||g_p||^2)} with per-tensor
   * norms in the gradients' precision (as PyTorch's {@code clip_grad_norm_}); NaN or infinite when
   * any gradient is.
   */
  public static double globalNorm(ParameterList params) {
    double sumSquares = 0;
    for (Pair<String, NDArray> p : trainable(params)) {
      try (NDManager scope = p.getValue().getManager().newSubManager()) {
        double norm =
            gradient(p.getValue(), scope).norm().toType(DataType.FLOAT64, false).getDouble();
        sumSquares += norm * norm;
      }
    }
    return Math.sqrt(sumSquares);
  }

  /**
   * A handle on {@code param}'s gradient owned by {@code scope}; closing the scope frees the
   * handle, not the gradient (DJL makes a new handle per call, which would otherwise pile up on the
   * model's manager).
   */
  static NDArray gradient(NDArray param, NDManager scope) {
    NDArray grad = param.getGradient();
    grad.attach(scope);
    return grad;
  }
}
