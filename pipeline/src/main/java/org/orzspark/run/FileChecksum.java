package org.orzspark.run;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The checksum a checkpoint's manifest records for each of its files, written {@code xxh64:<16 hex
 * digits>}: XXH64 through lz4-java's native library, which Spark itself loads for its LZ4 codec.
 *
 * <p>The manifest guards against torn writes, truncation and flipped bits, not against tampering,
 * so it needs no cryptographic hash. SHA-256 was paid twice per iteration over every checkpoint
 * byte (once to commit, once to verify at the next start); in a JVM limited to C1, as the demo's
 * short applications are, it has no CPU intrinsic and ran at ~100 MB/s (0.2 s for the tiny model's
 * 19 MB, 2.5 min for a 7B checkpoint), where native XXH64 runs at ~10 GB/s. Manifests written
 * before hold a bare 64-digit SHA-256 per file and are still verified with SHA-256.
 */
public final class FileChecksum {
  private static final String XXH64 = "xxh64:";
  private static final int SHA256_HEX_DIGITS = 64;
  private static final int BUFFER_BYTES = 1 << 20;
  private static final XXHashFactory HASHES = XXHashFactory.fastestInstance();

  private FileChecksum() {}

  /** The checksum of a stream's bytes in today's form ({@code xxh64:…}); reads it to the end. */
  public static String of(InputStream in) throws IOException {
    try (StreamingXXHash64 hash = HASHES.newStreamingHash64(0)) {
      byte[] buffer = new byte[BUFFER_BYTES];
      for (int read; (read = in.read(buffer)) >= 0; ) {
        hash.update(buffer, 0, read);
      }
      return XXH64 + HexFormat.of().toHexDigits(hash.getValue());
    }
  }

  /**
   * The checksum of a stream's bytes in the form of {@code recorded}: today's, or SHA-256 for a
   * manifest written before.
   *
   * @throws IllegalArgumentException when {@code recorded} is neither form
   */
  public static String like(String recorded, InputStream in) throws IOException {
    if (recorded.startsWith(XXH64)) {
      return of(in);
    }
    if (recorded.length() == SHA256_HEX_DIGITS) {
      return sha256(in);
    }
    throw new IllegalArgumentException("not a checksum this version writes or reads: " + recorded);
  }

  /** Whether a stream's bytes have the checksum {@code recorded} (either form). */
  public static boolean matches(String recorded, InputStream in) throws IOException {
    return like(recorded, in).equals(recorded);
  }

  /** Whether two recorded checksums are of the same form, so equal bytes give equal strings. */
  public static boolean sameForm(String a, String b) {
    return a.startsWith(XXH64) == b.startsWith(XXH64);
  }

  /** The SHA-256 of a stream's bytes, in hex: names (a manifest's digest) and older manifests. */
  public static String sha256(InputStream stream) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    try (DigestInputStream in = new DigestInputStream(stream, sha)) {
      byte[] buffer = new byte[BUFFER_BYTES];
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
      return HexFormat.of().formatHex(sha.digest());
    }
  }
}
