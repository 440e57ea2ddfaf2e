package org.orzspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over every parameter's name and fp32 bytes: equal digests mean bit-identical replicas.
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
    for (Pair<String, Parameter> entry : parameters) {
      digest.update(entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      NDArray array = entry.getValue().getArray();
      float[] values = array.toFloatArray();
      ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values);
      digest.update(bytes);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
