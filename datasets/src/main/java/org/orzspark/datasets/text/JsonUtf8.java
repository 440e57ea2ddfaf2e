package org.orzspark.datasets.text;

import java.nio.charset.StandardCharsets;

/**
 * Encodes JSON text as UTF-8 that is always valid. An unpaired surrogate (from a JSON escape such
 * as <code>&#92;ud800</code> in the input) is written as that escape again, where Java's encoder
 * would write {@code ?} and a strict one would fail; a valid pair is written as its character's
 * four bytes.
 *
 * <p>This is correct for JSON that Jackson generated: outside string literals its output is ASCII,
 * so every surrogate is inside a string, where the escape is valid. Jackson's own {@code
 * CharacterEscapes} cannot do this, since it sees one UTF-16 unit at a time and cannot tell a lone
 * surrogate from half of a pair.
 */
public final class JsonUtf8 {

  private JsonUtf8() {}

  public static byte[] encode(String json) {
    int at = UnpairedSurrogates.indexIn(json, 0);
    if (at < 0) {
      return json.getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder escaped = new StringBuilder(json.length() + 16);
    int from = 0;
    while (at >= 0) {
      escaped.append(json, from, at).append(String.format("\\u%04x", (int) json.charAt(at)));
      from = at + 1;
      at = UnpairedSurrogates.indexIn(json, from);
    }
    escaped.append(json, from, json.length());
    return escaped.toString().getBytes(StandardCharsets.UTF_8);
  }
}
