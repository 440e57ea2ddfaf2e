package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.orzspark.autograd.HostChunks;

/**
 * The gradients of a model's trainable parameters as one flat vector with {@code long} indices,
 * read and written a bounded stretch at a time, so any transport (a barrier task's TCP exchange,
 * Arrow, Spark's allGather) can sum them across replicas whatever the model's size. The order is
 * the {@link ParameterList} order, identical in every replica of the same model.
 */
public final class Gradients {
  /**
   * Floats per all-reduce bucket: 16M (64 MiB). Models below it sum in one bucket, exactly as a
   * single flat vector. Package-private so tests can force many buckets on tiny models.
   */
  static int bucketFloats = 1 << 24;

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
   * Copies {@code into.remaining()} values of the flat gradient vector, from index {@code from} on,
   * into {@code into}.
   */
  public static void read(ParameterList params, long from, FloatBuffer into) {
    walk(
        params,
        from,
        into.remaining(),
        (grad, offset, at, count) ->
            HostChunks.get(grad, offset, into.slice(into.position() + at, count)));
    into.position(into.limit());
  }

  /**
   * Overwrites the flat gradient vector from index {@code from} on with the float32 values of
   * {@code values} (a buffer from {@link HostChunks#buffer}, position to limit).
   *
   * <p>The values are copied into each gradient's own storage: an array built on a Java buffer
   * would borrow it, and the optimizer would then read freed memory once the buffer is collected
   * (replicas diverged at random).
   */
  public static void write(ParameterList params, long from, ByteBuffer values) {
    walk(params, from, values.remaining() / Float.BYTES, setFrom(values));
  }

  /**
   * Replaces the trainable gradients, followed by {@code extras} (scalars reduced in the same
   * round, e.g. the loss), by their sums over replicas. The flat vector, of {@code size + extras}
   * values with {@code long} indices, is summed in buckets of at most {@link #bucketFloats}: each
   * is gathered from the gradients, summed by {@code allReduce} and written back, so memory stays
   * bounded by one bucket whatever the model's size. A model under one bucket sums in one call.
   *
   * @return the global norm of the summed gradients, from each bucket's segments ({@link
   *     #segmentNorm}, {@link #combineNorms}) over {@code allReduce.worldSize()} replicas: the norm
   *     a sharded optimizer's owners compute from their own segments, bit for bit
   */
  public static double allReduce(
      ParameterList params, float[] extras, GradientAllReduce allReduce) {
    long gradients = size(params);
    ShardLayout layout = ShardLayout.of(gradients, extras.length, allReduce.worldSize(), 0);
    float[] norms = new float[layout.buckets() * layout.ranks()];
    ByteBuffer bucket = HostChunks.buffer(layout.bucket());
    FloatBuffer floats = bucket.asFloatBuffer();
    for (int b = 0; b < layout.buckets(); b++) {
      long from = layout.bucketStart(b);
      int n = layout.bucketLength(b);
      int fromGradients = fillBucket(params, extras, layout, b, floats);
      FloatBuffer sums = allReduce.sum(floats.slice(0, n));
      if (sums.remaining() != n) {
        throw new IllegalStateException(
            "All-reduce returned " + sums.remaining() + " values for " + n);
      }
      floats.put(0, sums, sums.position(), n);
      for (int c = 0; c < layout.ranks(); c++) {
        long[] segment = layout.gradientSegment(b, c);
        norms[b * layout.ranks() + c] =
            segmentNorm(floats.slice((int) (segment[0] - from), (int) (segment[1] - segment[0])));
      }
      if (fromGradients > 0) {
        write(params, from, bucket.slice(0, fromGradients * Float.BYTES));
      }
      for (int i = fromGradients; i < n; i++) {
        extras[(int) (from + i - gradients)] = floats.get(i);
      }
    }
    return combineNorms(norms);
  }

  /**
   * Puts bucket {@code b} of the flat vector (gradients, then {@code extras}) into {@code floats}
   * from index 0.
   *
   * @return how many of its values are gradients (the rest are extras)
   */
  static int fillBucket(
      ParameterList params, float[] extras, ShardLayout layout, int b, FloatBuffer floats) {
    long from = layout.bucketStart(b);
    int n = layout.bucketLength(b);
    int fromGradients = (int) Math.max(0, Math.min(n, layout.gradients() - from));
    floats.clear();
    if (fromGradients > 0) {
      read(params, from, floats.slice(0, fromGradients));
    }
    for (int i = fromGradients; i < n; i++) {
      floats.put(i, extras[(int) (from + i - layout.gradients())]);
    }
    return fromGradients;
  }

  /**
   * The L2 norm of one segment's values (position to limit), summed in double in index order and
   * rounded to float: a value that travels exactly through a float all-reduce beside zeros.
   */
  public static float segmentNorm(FloatBuffer values) {
    double sumSquares = 0;
    for (int i = values.position(); i < values.limit(); i++) {
      double v = values.get(i);
      sumSquares += v * v;
    }
    return (float) Math.sqrt(sumSquares);
  }

  /** The global norm from per-segment norms: {@code sqrt(sum n_i^2)} in double, in array order. */
  public static double combineNorms(float[] segmentNorms) {
    double sumSquares = 0;
    for (float norm : segmentNorms) {
      sumSquares += (double) norm * norm;
    }
    return Math.sqrt(sumSquares);
  }

  /**
   * Copies {@code into.remaining()} trainable values (the parameters themselves, not their
   * gradients) from flat index {@code from} on into {@code into}.
   */
  public static void readParameters(ParameterList params, long from, FloatBuffer into) {
    walk(
        params,
        from,
        into.remaining(),
        false,
        (array, offset, at, count) ->
            HostChunks.get(array, offset, into.slice(into.position() + at, count)));
    into.position(into.limit());
  }

  /**
   * Overwrites trainable values (the parameters) from flat index {@code from} on with the float32
   * values of {@code values} (a buffer from {@link HostChunks#buffer}, position to limit).
   */
  public static void writeParameters(ParameterList params, long from, ByteBuffer values) {
    walk(params, from, values.remaining() / Float.BYTES, false, setFrom(values));
  }

  /** Sets each visited stretch from the same stretch of {@code values} (position to limit). */
  private static Segment setFrom(ByteBuffer values) {
    return (array, offset, at, count) ->
        HostChunks.set(
            array, offset, values.slice(values.position() + at * Float.BYTES, count * Float.BYTES));
  }

  /** One stretch of the flat vector that lies in one gradient. */
  @FunctionalInterface
  private interface Segment {
    /**
     * @param grad the gradient
     * @param offset first flat index inside {@code grad}
     * @param at position of the stretch in the caller's buffer
     * @param count values in the stretch
     */
    void visit(NDArray grad, long offset, int at, int count);
  }

  /** Visits the gradients' stretches covering flat indices {@code [from, from + count)}. */
  private static void walk(ParameterList params, long from, int count, Segment segment) {
    walk(params, from, count, true, segment);
  }

  /**
   * Visits the stretches covering flat indices {@code [from, from + count)} of the gradients, or of
   * the parameters themselves.
   */
  private static void walk(
      ParameterList params, long from, int count, boolean gradients, Segment segment) {
    long end = from + count;
    if (from < 0 || end > size(params)) {
      throw new IndexOutOfBoundsException(
          "gradient values [" + from + ", " + end + ") outside " + size(params) + " parameters");
    }
    long start = 0;
    for (Pair<String, NDArray> p : trainable(params)) {
      long size = p.getValue().size();
      long lo = Math.max(from, start);
      long hi = Math.min(end, start + size);
      if (lo < hi) {
        try (NDManager scope = p.getValue().getManager().newSubManager()) {
          segment.visit(
              gradients ? gradient(p.getValue(), scope) : p.getValue(),
              lo - start,
              (int) (lo - from),
              (int) (hi - lo));
        }
      }
      start += size;
      if (start >= end) {
        return;
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
