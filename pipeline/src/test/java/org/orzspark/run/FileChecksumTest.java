package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FileChecksumTest {

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void todaysFormIsCrc32cInEightHexDigits() throws IOException {
    // The CRC-32C check value ("123456789", RFC 3720 and every CRC catalogue), and "" and "abc".
    assertThat(FileChecksum.of(bytes("123456789"))).isEqualTo("crc32c:e3069283");
    assertThat(FileChecksum.of(bytes(""))).isEqualTo("crc32c:00000000");
    assertThat(FileChecksum.of(bytes("abc"))).isEqualTo("crc32c:364b3fb7");
  }

  @Test
  void aChecksumOfAManifestWrittenWithXxh64IsCheckedWithXxh64() throws IOException {
    // The reference vector of XXH64 (seed 0) for "abc".
    String xxh64OfAbc = "xxh64:44bc2cf5ad770999";
    assertThat(FileChecksum.matches(xxh64OfAbc, bytes("abc"))).isTrue();
    assertThat(FileChecksum.matches(xxh64OfAbc, bytes("abd"))).isFalse();
    assertThat(FileChecksum.like(xxh64OfAbc, bytes("abc"))).isEqualTo(xxh64OfAbc);
    assertThat(FileChecksum.sameForm(xxh64OfAbc, "xxh64:0000000000000000")).isTrue();
    assertThat(FileChecksum.sameForm(xxh64OfAbc, "crc32c:364b3fb7")).isFalse();
  }

  @Test
  void aStreamLongerThanOneBufferHashesAsOneBlock() throws IOException {
    byte[] data = new byte[(3 << 20) + 17];
    new SplittableRandom(7).nextBytes(data);
    String whole = FileChecksum.of(new ByteArrayInputStream(data));
    // A stream that returns a few bytes per read: the same checksum.
    InputStream trickle =
        new ByteArrayInputStream(data) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1000));
          }
        };
    assertThat(FileChecksum.of(trickle)).isEqualTo(whole);
    data[data.length / 2] ^= 1;
    assertThat(FileChecksum.matches(whole, new ByteArrayInputStream(data))).isFalse();
  }

  @Test
  void aChecksumOfAnOlderManifestIsCheckedWithSha256() throws IOException {
    String sha256OfAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertThat(FileChecksum.matches(sha256OfAbc, bytes("abc"))).isTrue();
    assertThat(FileChecksum.matches(sha256OfAbc, bytes("abd"))).isFalse();
    assertThat(FileChecksum.like(sha256OfAbc, bytes("abc"))).isEqualTo(sha256OfAbc);
    assertThat(FileChecksum.sameForm(sha256OfAbc, "crc32c:364b3fb7")).isFalse();
    assertThatThrownBy(() -> FileChecksum.matches("md5:abc", bytes("abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("md5:abc");
  }
}
