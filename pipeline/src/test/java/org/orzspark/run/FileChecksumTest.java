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
  void todaysFormIsXxh64WithSeedZeroInSixteenHexDigits() throws IOException {
    // The reference vectors of XXH64 (seed 0) for "" and "abc".
    assertThat(FileChecksum.of(bytes(""))).isEqualTo("xxh64:ef46db3751d8e999");
    assertThat(FileChecksum.of(bytes("abc"))).isEqualTo("xxh64:44bc2cf5ad770999");
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
    assertThat(FileChecksum.sameForm(sha256OfAbc, "xxh64:44bc2cf5ad770999")).isFalse();
    assertThatThrownBy(() -> FileChecksum.matches("md5:abc", bytes("abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("md5:abc");
  }
}
