package org.orzspark.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Moves float32 values between engine arrays and Java buffers a bounded chunk at a time, addressed
 * by {@code long} offsets into the array's row-major (flat) order, so no tensor ever needs one Java
 * array or buffer of its own size (Java arrays and buffers stop at 2^31 elements, byte buffers at 2
 * GiB; Qwen2.5-7B's embedding is 545M floats, 2.2 GB).
 *
 * <p>Writes go through {@code NDArray.set(NDIndex, NDArray)}, which copies into the array's own
 * storage: an array built on a Java buffer would borrow that buffer (see {@code
 * BorrowedHostMemoryTest}), and the buffer is reused for the next chunk.
 */
public final class HostChunks {
  /** Floats per chunk: 4 MiB. Package-private so tests can force many chunks on tiny arrays. */
  static int chunkFloats = 1 << 20;

  private HostChunks() {}

  /** The values of one chunk, in a buffer valid only during the call. */
  @FunctionalInterface
  public interface Source {
    /** Puts the next {@code into.remaining()} values into {@code into}. */
    void read(FloatBuffer into) throws IOException;
  }

  /** Receives one chunk of values, in a buffer valid only during the call. */
  @FunctionalInterface
  public interface Sink {
    void write(FloatBuffer values) throws IOException;
  }

  /** Floats per chunk now in force. */
  public static int chunkFloats() {
    return chunkFloats;
  }

  /**
   * A direct buffer in native order for {@code floats} float32 values (what {@link #set} takes).
   */
  public static ByteBuffer buffer(int floats) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES))
        .order(ByteOrder.nativeOrder());
  }

  /** Overwrites all of {@code target} (float32, any shape) with values from {@code source}. */
  public static void fill(NDArray target, Source source) throws IOException {
    long size = target.size();
    ByteBuffer chunk = buffer((int) Math.min(chunkFloats, Math.max(size, 1)));
    for (long from = 0; from < size; ) {
      int n = (int) Math.min(chunkFloats, size - from);
      chunk.clear().limit(n * Float.BYTES);
      source.read(chunk.asFloatBuffer());
      set(target, from, chunk);
      from += n;
    }
  }

  /** Hands every value of {@code source} (float32, any shape) to {@code sink}, in order. */
  public static void drain(NDArray source, Sink sink) throws IOException {
    long size = source.size();
    FloatBuffer chunk = buffer((int) Math.min(chunkFloats, Math.max(size, 1))).asFloatBuffer();
    for (long from = 0; from < size; ) {
      int n = (int) Math.min(chunkFloats, size - from);
      chunk.clear().limit(n);
      get(source, from, chunk);
      sink.write(chunk.flip());
      from += n;
    }
  }

  /**
   * Copies {@code into.remaining()} values of {@code array} starting at flat offset {@code offset}
   * into {@code into} (advancing its position).
   */
  public static void get(NDArray array, long offset, FloatBuffer into) {
    int n = into.remaining();
    checkRange(array, offset, n);
    try (NDManager scope = array.getManager().newSubManager()) {
      scope.tempAttachAll(array);
      NDArray slice = array.reshape(-1).get(new NDIndex("{}:{}", offset, offset + n));
      // Aliases the slice's own memory on CPU (a copy from an accelerator): no array of its size.
      into.put(slice.toByteBuffer(true).asFloatBuffer());
    }
  }

  /**
   * Writes the float32 values of {@code values} (a direct buffer in native order, from {@link
   * #buffer}; position to limit) into {@code array} from flat offset {@code offset} on.
   */
  public static void set(NDArray array, long offset, ByteBuffer values) {
    int n = values.remaining() / Float.BYTES;
    checkRange(array, offset, n);
    boolean gradMode = JniUtils.isGradMode();
    // An in-place write into a parameter is not part of any graph (as in the optimizer).
    JniUtils.setGradMode(false);
    try (NDManager scope = array.getManager().newSubManager()) {
      scope.tempAttachAll(array);
      NDArray chunk =
          scope.create(
              values.slice().order(ByteOrder.nativeOrder()), new Shape(n), DataType.FLOAT32);
      array.reshape(-1).set(new NDIndex("{}:{}", offset, offset + n), chunk);
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  private static void checkRange(NDArray array, long offset, int count) {
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("expected a float32 array, got " + array.getDataType());
    }
    if (offset < 0 || count < 0 || offset + count > array.size()) {
      throw new IndexOutOfBoundsException(
          "values [" + offset + ", " + (offset + count) + ") outside an array of " + array.size());
    }
  }
}
