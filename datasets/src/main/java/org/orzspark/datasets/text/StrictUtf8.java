package org.orzspark.datasets.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 without repairing it. Java's default decoding turns invalid bytes into U+FFFD
 * silently; here they are an error that names the first bad byte, so a caller can answer or
 * quarantine the record instead of working on a changed text.
 */
public final class StrictUtf8 {

  /** Bytes that are not valid UTF-8; the message names the offset and the byte. */
  public static final class InvalidException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidException(String message) {
      super(message);
    }
  }

  private StrictUtf8() {}

  /** The text of {@code length} bytes from the start of {@code bytes}. */
  public static String decode(byte[] bytes, int length) throws InvalidException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    CharBuffer out = CharBuffer.allocate(length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isUnderflow()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      throw new InvalidException(
          String.format("invalid UTF-8 at byte %d (0x%02X)", at, bytes[at] & 0xFF));
    }
    return out.flip().toString();
  }

  /** The text of all of {@code bytes}. */
  public static String decode(byte[] bytes) throws InvalidException {
    return decode(bytes, bytes.length);
  }
}
