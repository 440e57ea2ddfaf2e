package org.orzspark.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The GPT-2 byte-to-unicode mapping used by byte-level BPE (and by Hugging Face's {@code ByteLevel}
 * pre-tokenizer and decoder): each of the 256 byte values maps to one printable character, so every
 * byte string becomes a string over a 256-character alphabet and no input is ever unknown.
 *
 * <p>Printable Latin-1 bytes ({@code '!'..'~'}, {@code '¡'..'¬'}, {@code '®'..'ÿ'}) map to
 * themselves; the remaining 68 bytes (controls, space, soft hyphen) map, in byte order, to {@code
 * U+0100, U+0101, ...}. Hence the space byte {@code 0x20} becomes {@code 'Ġ'} (U+0120).
 */
public final class ByteLevelAlphabet {

  /** Number of byte values, hence of base BPE tokens. */
  public static final int SIZE = 256;

  private static final char[] BYTE_TO_CHAR = buildByteToChar();

  private ByteLevelAlphabet() {}

  /** The character standing for byte value {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** The UTF-8 bytes of {@code text}, each replaced by its alphabet character. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      out.append(charOf(b));
    }
    return out.toString();
  }

  private static char[] buildByteToChar() {
    char[] map = new char[SIZE];
    int next = 0x100;
    for (int b = 0; b < SIZE; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      map[b] = printable ? (char) b : (char) next++;
    }
    return map;
  }
}
