package org.orzspark.run;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The checksum a checkpoint's manifest records for each of its files, written {@code crc32c:<8 hex
 * digits>}: CRC-32C (Castagnoli), as HDFS, S3 and GCS checksum their blocks and objects.
 *
 * <p>The manifest guards against torn writes, truncation and flipped bits, not against tampering,
 * so it needs no cryptographic hash. The JDK's {@link CRC32C} is a CPU intrinsic at every JIT
 * level, interpreter included, so the short C1-only applications of a run hash at memory speed from
 * their first call (6.5 MB in 4 ms with the reads, cold). Earlier forms are still verified: XXH64
 * through lz4-java's native library ({@code xxh64:<16 hex digits>}; 14 ms for the same bytes, and
 * loading the library cost its first call 45–65 ms), and a bare 64-digit SHA-256 (~100 MB/s under
 * C1).
 */
public final class FileChecksum {
  private static final String CRC32C_FORM = "crc32c:";
  private static final String XXH64_FORM = "xxh64:";
  private static final int SHA256_HEX_DIGITS = 64;
  private static final int BUFFER_BYTES = 1 << 20;

  /**
   * One read buffer per thread, reused for every file: a fresh 1 MiB array lands on heap pages the
   * young JVM has not touched yet, and faulting them in cost ~3 ms per file (a checkpoint is 15
   * files), ten times the hashing of the tiny model's weights.
   */
  private static final ThreadLocal<byte[]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);

  private FileChecksum() {}

  /** The checksum of a stream's bytes in today's form ({@code crc32c:…}); reads it to the end. */
  public static String of(InputStream in) throws IOException {
    CRC32C crc = new CRC32C();
    feed(in, crc::update);
    return CRC32C_FORM + HexFormat.of().toHexDigits((int) crc.getValue());
  }

  /**
   * The checksum of a stream's bytes in the form of {@code recorded}: today's, XXH64 or SHA-256 for
   * a manifest written before.
   *
   * @throws IllegalArgumentException when {@code recorded} is none of these forms
   */
  public static String like(String recorded, InputStream in) throws IOException {
    return switch (form(recorded)) {
      case CRC32C_FORM -> of(in);
      case XXH64_FORM -> xxh64(in);
      default -> sha256(in);
    };
  }

  /** Whether a stream's bytes have the checksum {@code recorded} (any form). */
  public static boolean matches(String recorded, InputStream in) throws IOException {
    return like(recorded, in).equals(recorded);
  }

  /** Whether two recorded checksums are of the same form, so equal bytes give equal strings. */
  public static boolean sameForm(String a, String b) {
    return form(a).equals(form(b));
  }

  /** The form of a recorded checksum: its prefix, or "" for a bare SHA-256. */
  private static String form(String recorded) {
    if (recorded.startsWith(CRC32C_FORM)) {
      return CRC32C_FORM;
    }
    if (recorded.startsWith(XXH64_FORM)) {
      return XXH64_FORM;
    }
    if (recorded.length() == SHA256_HEX_DIGITS) {
      return "";
    }
    throw new IllegalArgumentException("not a checksum this version writes or reads: " + recorded);
  }

  /** XXH64 (seed 0) of a stream's bytes, in the form manifests recorded it before CRC-32C. */
  private static String xxh64(InputStream in) throws IOException {
    try (StreamingXXHash64 hash = XXHashFactory.fastestInstance().newStreamingHash64(0)) {
      feed(in, hash::update);
      return XXH64_FORM + HexFormat.of().toHexDigits(hash.getValue());
    }
  }

  /** The SHA-256 of a stream's bytes, in hex: names (a manifest's digest) and older manifests. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    feed(in, sha::update);
    return HexFormat.of().formatHex(sha.digest());
  }

  /** What a hash takes its bytes through: {@code update(bytes, offset, length)}. */
  private interface ByteSink {
    void update(byte[] bytes, int offset, int length);
  }

  /** Reads {@code in} to its end through this thread's buffer into {@code sink}. */
  private static void feed(InputStream in, ByteSink sink) throws IOException {
    byte[] buffer = BUFFERS.get();
    for (int read; (read = in.read(buffer)) >= 0; ) {
      sink.update(buffer, 0, read);
    }
  }
}
