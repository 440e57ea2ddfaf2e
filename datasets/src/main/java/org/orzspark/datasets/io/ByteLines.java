package org.orzspark.datasets.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a stream as lines of bytes, before any decoding, so that a line that is not valid UTF-8 can
 * be reported as that one line. A line ends at {@code \n} (a {@code \r} before it is dropped, for
 * CRLF files) or at the end of the stream; an empty stream has no lines, and a final newline does
 * not start another line (as {@link java.io.BufferedReader#readLine()}).
 *
 * <p>Memory is bounded: a line longer than the limit is read to its end without being kept, and is
 * returned with its length and no bytes.
 */
public final class ByteLines {

  /**
   * 1 MiB: far above any line a JSON Lines job reads in earnest (a prompt or response of some
   * thousand tokens is tens of KiB), and small enough that one huge line cannot exhaust the heap.
   */
  public static final int MAX_LINE_BYTES_DEFAULT = 1 << 20;

  /**
   * One line.
   *
   * @param number 1-based
   * @param bytes its bytes without the line end, or null when it is longer than the limit
   * @param length its length in bytes without the line end
   */
  public record Line(long number, byte[] bytes, long length) {
    public boolean tooLong() {
      return bytes == null;
    }
  }

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private long number;
  // Holds one more byte than the limit, so that a line of exactly the limit plus its \r fits.
  private byte[] line = new byte[1024];

  public ByteLines(InputStream in, int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line, or null at the end of the stream. */
  public Line next() throws IOException {
    long length = 0;
    int kept = 0;
    boolean ended = false;
    while (!ended) {
      if (position == limit && !fill()) {
        if (length == 0) {
          return null;
        }
        break;
      }
      int end = position;
      while (end < limit && buffer[end] != '\n') {
        end++;
      }
      int n = end - position;
      int keep = (int) Math.min(n, maxLineBytes + 1L - kept);
      if (keep > 0) {
        ensureCapacity(kept + keep);
        System.arraycopy(buffer, position, line, kept, keep);
        kept += keep;
      }
      length += n;
      ended = end < limit;
      position = ended ? end + 1 : end;
    }
    number++;
    if (kept == length && kept > 0 && line[kept - 1] == '\r') {
      kept--;
      length--;
    }
    return length > maxLineBytes
        ? new Line(number, null, length)
        : new Line(number, Arrays.copyOf(line, kept), length);
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer);
    position = 0;
    limit = Math.max(n, 0);
    return n > 0;
  }

  private void ensureCapacity(int size) {
    if (size > line.length) {
      line = Arrays.copyOf(line, Math.max(size, Math.min(2 * line.length, maxLineBytes + 1)));
    }
  }
}
