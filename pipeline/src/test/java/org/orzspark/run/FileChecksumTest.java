package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** The forms older manifests recorded, with their reference vectors for "abc". */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "xxh64:44bc2cf5ad770999", // XXH64, seed 0
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" // SHA-256
      })
  void aChecksumOfAnOlderManifestIsCheckedInItsOwnForm(String ofAbc) throws IOException {
    assertThat(FileChecksum.matches(ofAbc, bytes("abc"))).isTrue();
    assertThat(FileChecksum.matches(ofAbc, bytes("abd"))).isFalse();
    assertThat(FileChecksum.like(ofAbc, bytes("abc"))).isEqualTo(ofAbc);
    assertThat(FileChecksum.sameForm(ofAbc, ofAbc.replace('a', '0'))).isTrue();
    assertThat(FileChecksum.sameForm(ofAbc, "crc32c:364b3fb7")).isFalse();
  }

  @Test
  void anUnknownFormIsRefusedByName() {
    assertThatThrownBy(() -> FileChecksum.matches("md5:abc", bytes("abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("md5:abc");
  }
}
