package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.orzspark.autograd.HostChunks;

/**
 * Adam moments addressed by the model's flat index ({@link Gradients}' order), whatever file holds
 * them: a replicated {@link AdamW} state (per tensor) or the shard files of a {@link ShardedAdamW}
 * (per owned range) of any number of replicas. Reading one streams its values to a {@link Visitor};
 * {@link #into} copies the values that fall into a set of target ranges, which is how a state is
 * re-sharded for another replica count or turned back into per-tensor moments.
 */
final class FlatMoments {
  /** First moment (m). */
  static final int FIRST = 0;

  /** Second moment (v). */
  static final int SECOND = 1;

  /** Master weights (fp32), where a state file holds them. */
  static final int MASTER = 2;

  private FlatMoments() {}

  /** Receives a stretch of values, in a buffer valid only during the call. */
  @FunctionalInterface
  interface Visitor {
    /**
     * @param kind {@link #FIRST}, {@link #SECOND} or {@link #MASTER}
     * @param from flat index of the first value
     */
    void values(int kind, long from, FloatBuffer values) throws IOException;
  }

  /**
   * Where values land: flat indices {@code [from, to)} go to {@code arrays[kind]} (1-D or any
   * shape, flat order) from flat offset {@code offset} on; a null array takes nothing.
   */
  record Target(long from, long to, long offset, NDArray[] arrays) {}

  /**
   * Streams {@code count} little-endian float32 values of {@code kind} from flat index {@code
   * from}.
   */
  static void read(DataInputStream data, long count, int kind, long from, Visitor visitor)
      throws IOException {
    ByteBuffer bytes = heap(count);
    FloatBuffer floats = bytes.asFloatBuffer();
    try {
      for (long done = 0; done < count; ) {
        int n = (int) Math.min(floats.capacity(), count - done);
        data.readFully(bytes.array(), 0, n * Float.BYTES);
        visitor.values(kind, from + done, floats.clear().limit(n));
        done += n;
      }
    } catch (EOFException e) {
      throw new IOException("Corrupt optimizer state: truncated values", e);
    }
  }

  /** Writes the values of {@code array} (float32, flat order) little-endian, a chunk at a time. */
  static void write(DataOutputStream data, NDArray array) throws IOException {
    ByteBuffer bytes = heap(array.size());
    HostChunks.drain(
        array,
        chunk -> {
          int n = chunk.remaining();
          bytes.clear().asFloatBuffer().put(chunk);
          data.write(bytes.array(), 0, n * Float.BYTES);
        });
  }

  /** A visitor that copies every value falling into one of {@code targets} into its array. */
  static Visitor into(List<Target> targets) {
    ByteBuffer staging = HostChunks.buffer(HostChunks.chunkFloats());
    return (kind, from, values) -> {
      long to = from + values.remaining();
      for (Target target : targets) {
        NDArray array = target.arrays()[kind];
        long lo = Math.max(from, target.from());
        long hi = Math.min(to, target.to());
        for (long at = lo; array != null && at < hi; ) {
          int n = (int) Math.min(staging.capacity() / Float.BYTES, hi - at);
          staging.clear();
          staging.asFloatBuffer().put(values.slice(values.position() + (int) (at - from), n));
          HostChunks.set(
              array, target.offset() + (at - target.from()), staging.limit(n * Float.BYTES));
          at += n;
        }
      }
    };
  }

  /** A heap buffer for one chunk of at most {@code size} floats, little-endian. */
  private static ByteBuffer heap(long size) {
    int floats = (int) Math.min(HostChunks.chunkFloats(), Math.max(size, 1));
    return ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }
}
