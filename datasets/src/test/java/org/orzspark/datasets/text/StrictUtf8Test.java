package org.orzspark.datasets.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void decodesValidUtf8IncludingFourByteCharacters() throws Exception {
    String text = "caf\u00e9 \ud83d\ude00 \u4e2d";
    assertThat(StrictUtf8.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    assertThat(StrictUtf8.decode(new byte[0])).isEmpty();
    assertThat(StrictUtf8.decode("abcdef".getBytes(StandardCharsets.UTF_8), 3)).isEqualTo("abc");
  }

  @Test
  void namesTheFirstInvalidByte() {
    // Latin-1 'é', a truncated sequence at the end, an encoded surrogate (CESU-8), an overlong '/'.
    assertThatThrownBy(() -> StrictUtf8.decode(bytes('c', 'a', 'f', 0xE9)))
        .isInstanceOf(StrictUtf8.InvalidException.class)
        .hasMessage("invalid UTF-8 at byte 3 (0xE9)");
    assertThatThrownBy(() -> StrictUtf8.decode(bytes('a', 0xE4, 0xB8)))
        .hasMessage("invalid UTF-8 at byte 1 (0xE4)");
    assertThatThrownBy(() -> StrictUtf8.decode(bytes(0xED, 0xA0, 0x80)))
        .hasMessage("invalid UTF-8 at byte 0 (0xED)");
    assertThatThrownBy(() -> StrictUtf8.decode(bytes('x', 0xC0, 0xAF)))
        .hasMessage("invalid UTF-8 at byte 1 (0xC0)");
  }
}
