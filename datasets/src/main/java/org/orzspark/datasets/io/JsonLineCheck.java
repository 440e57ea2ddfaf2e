package org.orzspark.datasets.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.orzspark.datasets.text.StrictUtf8;
import org.orzspark.datasets.text.UnpairedSurrogates;

/**
 * Why one raw line of a JSON Lines file cannot be read faithfully by Spark's JSON reader, which
 * decodes bytes that are not UTF-8 leniently and writes a string holding an unpaired surrogate (a
 * JSON escape such as <code>&#92;ud800</code>) as {@code ?}: the row would be scored on a text that
 * is not the input's. Lines that are merely not JSON are left to Spark ({@code malformed-json}).
 */
final class JsonLineCheck {

  static final String INVALID_UTF8 = "invalid-utf8";
  static final String UNPAIRED_SURROGATE = "unpaired-surrogate";
  static final String LINE_TOO_LONG = "line-too-long";

  private static final JsonFactory JSON = new JsonFactory();

  private JsonLineCheck() {}

  /**
   * The defect of a line (its bytes without the line end), or null when it has none. Longer than
   * {@link ByteLines#MAX_LINE_BYTES_DEFAULT} is a defect too: no response worth scoring is 1 MiB.
   */
  static String defect(byte[] line) {
    if (line.length > ByteLines.MAX_LINE_BYTES_DEFAULT) {
      return LINE_TOO_LONG;
    }
    String text;
    try {
      text = StrictUtf8.decode(line);
    } catch (StrictUtf8.InvalidException e) {
      return INVALID_UTF8;
    }
    return hasUnpairedSurrogate(text) ? UNPAIRED_SURROGATE : null;
  }

  private static boolean hasUnpairedSurrogate(String text) {
    // Decoded UTF-8 holds no unpaired surrogate; only a \\u escape, when parsed, can make one.
    if (!text.contains("\\u")) {
      return false;
    }
    try (JsonParser parser = JSON.createParser(text)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if ((token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME)
            && UnpairedSurrogates.indexIn(parser.getText(), 0) >= 0) {
          return true;
        }
      }
    } catch (IOException notJson) {
      // Spark's reader keeps such a line whole in _corrupt_record, as the text it is.
    }
    return false;
  }
}
