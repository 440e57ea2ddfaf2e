package org.orzspark.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReflectionHighlighterTest {
  @Test
  void segmentsCoverTheTextAndNameThePatterns() {
    List<ReflectionHighlighter.Segment> segments =
        ReflectionHighlighter.segments("So wait, recheck it. However, retry", false);
    assertThat(segments)
        .containsExactly(
            new ReflectionHighlighter.Segment("So ", null),
            new ReflectionHighlighter.Segment("wait,", "wait,"),
            new ReflectionHighlighter.Segment(" ", null),
            new ReflectionHighlighter.Segment("recheck ", "recheck"),
            new ReflectionHighlighter.Segment("it. However, ", null),
            new ReflectionHighlighter.Segment("retry", "retry"));
    assertThat(ReflectionHighlighter.segments("However, x", true))
        .containsExactly(
            new ReflectionHighlighter.Segment("However,", "however,"),
            new ReflectionHighlighter.Segment(" x", null));
  }

  @Test
  void htmlEscapesModelOutputAndMarksMatches() {
    String html =
        ReflectionHighlighter.html("<b>wait,</b> \"x\" & <script>alert(1)</script>", false, 1000);
    assertThat(html)
        .isEqualTo(
            "&lt;b&gt;<mark class=\"reflection\" title=\"wait,\">wait,</mark>&lt;/b&gt;"
                + " &quot;x&quot; &amp; &lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(ReflectionHighlighter.html(null, false, 10)).isEmpty();
  }

  @Test
  void longTextIsCutWithANote() {
    String html = ReflectionHighlighter.html("abcdefwait,", false, 6);
    assertThat(html).isEqualTo("abcdef<span class=\"cut\">… (5 more characters)</span>");
  }
}
