package org.orzspark.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.text.StringEscapeUtils;
import org.orzspark.reward.ReflectionPatterns;

/**
 * Splits a response into plain text and reflection-pattern matches (the regexes of {@link
 * ReflectionPatterns}), and renders it as HTML with each match in a {@code <mark>}. Model output is
 * untrusted: every piece is HTML-escaped, and the text is cut at {@code maxChars} before matching,
 * so the work is bounded by the cut (the patterns are literals, matched in linear time).
 */
public final class ReflectionHighlighter {

  /**
   * A piece of the text.
   *
   * @param text the characters
   * @param pattern the {@link ReflectionPatterns#NAMES name} it matched, or null for plain text
   */
  public record Segment(String text, String pattern) {}

  private ReflectionHighlighter() {}

  /**
   * The text in order as plain and matched segments (concatenated they give the text back). Where
   * matches of different patterns overlap, the one that starts first wins.
   */
  public static List<Segment> segments(String text, boolean caseInsensitive) {
    List<int[]> matches = new ArrayList<>();
    List<Pattern> patterns = ReflectionPatterns.patterns(caseInsensitive);
    for (int p = 0; p < patterns.size(); p++) {
      Matcher m = patterns.get(p).matcher(text);
      while (m.find()) {
        matches.add(new int[] {m.start(), m.end(), p});
      }
    }
    matches.sort(
        (a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[2], b[2]));
    List<Segment> out = new ArrayList<>();
    int at = 0;
    for (int[] m : matches) {
      if (m[0] < at) {
        continue;
      }
      if (m[0] > at) {
        out.add(new Segment(text.substring(at, m[0]), null));
      }
      out.add(new Segment(text.substring(m[0], m[1]), ReflectionPatterns.NAMES.get(m[2])));
      at = m[1];
    }
    if (at < text.length()) {
      out.add(new Segment(text.substring(at), null));
    }
    return out;
  }

  /**
   * HTML for {@code text}: escaped, matches as {@code <mark class="reflection"
   * title="PATTERN">…</mark>}, cut after {@code maxChars} characters with a note saying how many
   * were left out. Null gives an empty string.
   */
  public static String html(String text, boolean caseInsensitive, int maxChars) {
    if (text == null) {
      return "";
    }
    String shown = text.length() > maxChars ? text.substring(0, maxChars) : text;
    StringBuilder html = new StringBuilder();
    for (Segment s : segments(shown, caseInsensitive)) {
      String escaped = StringEscapeUtils.escapeHtml4(s.text());
      if (s.pattern() == null) {
        html.append(escaped);
      } else {
        html.append("<mark class=\"reflection\" title=\"")
            .append(StringEscapeUtils.escapeHtml4(s.pattern()))
            .append("\">")
            .append(escaped)
            .append("</mark>");
      }
    }
    if (shown.length() < text.length()) {
      html.append("<span class=\"cut\">… (")
          .append(text.length() - shown.length())
          .append(" more characters)</span>");
    }
    return html.toString();
  }
}
