package org.orzspark.datasets.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteLinesTest {

  /** Each line as its text, or "<too long: N>". */
  private static List<String> lines(InputStream in, int max) throws IOException {
    ByteLines reader = new ByteLines(in, max);
    List<String> lines = new ArrayList<>();
    for (ByteLines.Line line = reader.next(); line != null; line = reader.next()) {
      assertThat(line.number()).isEqualTo(lines.size() + 1);
      lines.add(
          line.tooLong()
              ? "<too long: " + line.length() + ">"
              : new String(line.bytes(), StandardCharsets.ISO_8859_1));
    }
    return lines;
  }

  private static List<String> lines(String content, int max) throws IOException {
    return lines(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)), max);
  }

  @Test
  void splitsAtLineFeedsLikeReadLineButOnlyDropsCarriageReturnsBeforeThem() throws IOException {
    assertThat(lines("", 10)).isEmpty();
    assertThat(lines("a", 10)).containsExactly("a");
    assertThat(lines("a\n", 10)).containsExactly("a");
    assertThat(lines("a\r\nb", 10)).containsExactly("a", "b");
    assertThat(lines("\n\n", 10)).containsExactly("", "");
    assertThat(lines("a\rb\n\r", 10)).containsExactly("a\rb", "");
    assertThat(lines("\u00e9\u00ff\n", 10)).containsExactly("\u00e9\u00ff");
  }

  @Test
  void aLineOverTheLimitIsSkippedToItsEndAndCounted() throws IOException {
    assertThat(lines("abcdef\nab\nabcd\r\nabcde", 4))
        .containsExactly("<too long: 6>", "ab", "abcd", "<too long: 5>");
  }

  @Test
  void linesSpanningManyReadsComeOutWhole() throws IOException {
    String big = "x".repeat(100_000);
    InputStream trickle =
        new FilterInputStream(
            new ByteArrayInputStream(
                (big + "\r\nshort\n" + big + "y\n").getBytes(StandardCharsets.ISO_8859_1))) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 7));
          }
        };
    assertThat(lines(trickle, 100_000)).containsExactly(big, "short", "<too long: 100001>");
  }
}
