package org.orzspark.reward.extract;

import java.util.ArrayList;
import java.util.List;

/** Brace-matched {@code \boxed{...}} (and {@code \fbox{...}}) contents; linear scans only. */
public final class Boxed {
  private Boxed() {}

  /** One {@code \boxed{content}}: where the command starts and where its closing brace ends. */
  public record Match(int start, int end, String content) {}

  private static final String[] COMMANDS = {"\\boxed", "\\fbox"};

  /** A box whose content runs longer than this is not an answer (bounds the brace scan). */
  public static final int MAX_CONTENT = 4_096;

  /** At most this many boxes are looked at per text (bounds hostile inputs full of boxes). */
  public static final int MAX_BOXES = 64;

  /** Every complete boxed group in order of position; an unclosed one is skipped. */
  public static List<Match> all(String text) {
    List<Match> out = new ArrayList<>();
    int from = 0;
    for (int attempts = 0; attempts < MAX_BOXES; attempts++) {
      int start = -1;
      String command = null;
      for (String c : COMMANDS) {
        int i = text.indexOf(c, from);
        if (i >= 0 && (start < 0 || i < start)) {
          start = i;
          command = c;
        }
      }
      if (start < 0) {
        return out;
      }
      Match m = at(text, start, command.length());
      if (m != null) {
        out.add(m);
        from = m.end();
      } else {
        from = start + command.length();
      }
    }
    return out;
  }

  /** The last complete boxed group, or null. */
  public static Match last(String text) {
    int from = text.length();
    for (int attempts = 0; attempts < MAX_BOXES && from >= 0; attempts++) {
      int start = text.lastIndexOf("\\boxed", from);
      int fbox = text.lastIndexOf("\\fbox", from);
      int length = start >= fbox ? "\\boxed".length() : "\\fbox".length();
      start = Math.max(start, fbox);
      if (start < 0) {
        return null;
      }
      Match m = at(text, start, length);
      if (m != null) {
        return m;
      }
      from = start - 1;
    }
    return null;
  }

  /**
   * The group opened right after the command (spaces allowed), matched by brace depth ({@code \{}
   * and {@code \}} do not count); {@code \boxed 5} (one token, no braces) is accepted too.
   */
  private static Match at(String text, int start, int commandLength) {
    int i = start + commandLength;
    while (i < text.length() && text.charAt(i) == ' ') {
      i++;
    }
    if (i >= text.length()) {
      return null;
    }
    if (text.charAt(i) != '{') {
      if (Character.isLetter(text.charAt(i)) && i == start + commandLength) {
        return null;
      }
      int end = i;
      while (end < text.length()
          && end - i < MAX_CONTENT
          && !Character.isWhitespace(text.charAt(end))
          && text.charAt(end) != '$') {
        end++;
      }
      return end > i ? new Match(start, end, text.substring(i, end)) : null;
    }
    int depth = 0;
    int limit = Math.min(text.length(), i + MAX_CONTENT);
    for (int j = i; j < limit; j++) {
      char c = text.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return new Match(start, j + 1, text.substring(i + 1, j));
      }
    }
    return null;
  }
}
