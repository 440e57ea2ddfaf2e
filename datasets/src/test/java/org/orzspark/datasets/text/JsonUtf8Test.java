package org.orzspark.datasets.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonUtf8Test {

  private static String encoded(String json) {
    return new String(JsonUtf8.encode(json), StandardCharsets.UTF_8);
  }

  @Test
  void writesUnpairedSurrogatesAsJsonEscapesAndPairsAsTheirCharacter() {
    assertThat(encoded("{\"a\":\"x\ud800y\"}")).isEqualTo("{\"a\":\"x\\ud800y\"}");
    assertThat(encoded("[\"\udc00\",\"\ud83d\"]")).isEqualTo("[\"\\udc00\",\"\\ud83d\"]");
    // Reversed halves are two lone surrogates; a high one before a pair is lone, the pair is not.
    assertThat(encoded("\"\ude00\ud83d\"")).isEqualTo("\"\\ude00\\ud83d\"");
    assertThat(encoded("\"\ud800\ud83d\ude00\"")).isEqualTo("\"\\ud800\ud83d\ude00\"");
    assertThat(JsonUtf8.encode("\"\ud83d\ude00 caf\u00e9\""))
        .isEqualTo("\"\ud83d\ude00 caf\u00e9\"".getBytes(StandardCharsets.UTF_8))
        .contains((byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80);
  }
}
