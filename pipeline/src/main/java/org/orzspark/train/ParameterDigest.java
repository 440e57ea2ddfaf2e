package org.orzspark.train;

import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.orzspark.autograd.HostChunks;

/**
 * SHA-256 over every parameter's name and fp32 bytes (little-endian), read a chunk at a time: equal
 * digests mean bit-identical replicas.
 */
public final class ParameterDigest {
  private ParameterDigest() {}

  public static String of(ParameterList parameters) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer bytes =
        ByteBuffer.allocate(HostChunks.chunkFloats() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (Pair<String, Parameter> entry : parameters) {
      digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
      try {
        HostChunks.drain(
            entry.getValue().getArray(),
            chunk -> {
              int n = chunk.remaining();
              bytes.clear().asFloatBuffer().put(chunk);
              digest.update(bytes.array(), 0, n * Float.BYTES);
            });
      } catch (IOException e) {
        throw new UncheckedIOException("no I/O happens between engine arrays and the heap", e);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
