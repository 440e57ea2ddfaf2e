package org.orzspark.report;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.orzspark.analysis.IterationStats;
import org.orzspark.analysis.ReflectionHighlighter;
import org.orzspark.analysis.ResponseExample;
import org.orzspark.reward.ReflectionPatterns;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.Metric;
import org.orzspark.run.Provenance;

/**
 * The report page: one self-contained HTML file (inline CSS, no script, no network) that embeds the
 * chart PNGs lying next to it with {@code <img>}, so it opens from disk in any browser. Every
 * string from the run (paths, benchmark names, questions, model output) is HTML-escaped.
 */
public final class ReportHtml {
  /** Characters of a response shown before it is cut (model output can be long). */
  public static final int MAX_RESPONSE_CHARS = 20_000;

  private static final String CSS =
      "body{font-family:sans-serif;margin:2em;max-width:1500px;color:#222}"
          + "h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.5em}"
          + ".charts{display:flex;flex-wrap:wrap;gap:8px}"
          + ".charts img{width:640px;max-width:100%;height:auto;border:1px solid #ddd}"
          + "table{border-collapse:collapse;font-size:13px}"
          + "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
          + "th{background:#f0f0f0}tr.step td{background:#ffe9c6}td.left{text-align:left}"
          + "table.provenance{margin-top:1em}details{margin:.5em 0}"
          + ".example{border:1px solid #ccc;margin:1em 0;padding:.5em 1em}"
          + "pre{white-space:pre-wrap;word-break:break-word;background:#fafafa;padding:.5em}"
          + "mark.reflection{background:#ffd54f;font-weight:bold}.cut{color:#888}.meta{color:#555}";

  private ReportHtml() {}

  /** The page for {@code data}, with {@code figures} as images named by their file. */
  public static String render(
      ReportData data, List<ReportCharts.Figure> figures, Instant generated) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>orz-spark run report</title><style>")
        .append(CSS)
        .append("</style></head><body>\n");
    h.append("<h1>Run report</h1>\n<p class=\"meta\">Run directory <code>")
        .append(escapeHtml4(data.runDir().toString()))
        .append("</code>; ")
        .append(data.iterations().size())
        .append(" complete iteration(s)");
    if (!data.incompleteIterations().isEmpty()) {
      h.append(", still being written: ")
          .append(escapeHtml4(data.incompleteIterations().toString()));
    }
    h.append("; reflection patterns matched ")
        .append(
            data.caseInsensitive() ? "ignoring case" : "case-sensitively (the reference regexes)")
        .append("; generated ")
        .append(generated)
        .append(".</p>\n");
    if (data.iterations().isEmpty()) {
      h.append("<p>No complete iteration yet: nothing to chart.</p>\n");
    }
    data.comparison().ifPresent(c -> comparison(h, c, figures));
    for (String section : List.of(ReportCharts.CURVES, ReportCharts.REFLECTION)) {
      images(h, section, figures);
    }
    stepMoments(h, data);
    if (!data.iterations().isEmpty()) {
      h.append("<h2>Per iteration</h2>\n").append(iterationTable(data.iterations()));
    }
    images(h, ReportCharts.METRICS, figures);
    data.eval().ifPresent(e -> evalTable(h, e, figures));
    settings(h, data.settings());
    examples(h, data);
    return h.append("</body></html>\n").toString();
  }

  private static void images(StringBuilder h, String section, List<ReportCharts.Figure> figures) {
    images(h, section, section, figures);
  }

  private static void images(
      StringBuilder h, String section, String heading, List<ReportCharts.Figure> figures) {
    List<ReportCharts.Figure> in =
        figures.stream().filter(f -> f.section().equals(section)).toList();
    if (in.isEmpty()) {
      return;
    }
    h.append("<h2 id=\"")
        .append(section.toLowerCase(Locale.ROOT).replace(' ', '-'))
        .append("\">")
        .append(escapeHtml4(heading))
        .append("</h2>\n<div class=\"charts\">");
    for (ReportCharts.Figure f : in) {
      String title = escapeHtml4(f.chart().getTitle().getText());
      h.append("<img src=\"")
          .append(escapeHtml4(f.file()))
          .append("\" alt=\"")
          .append(title)
          .append("\" title=\"")
          .append(title)
          .append("\">");
    }
    h.append("</div>\n");
  }

  private static void comparison(
      StringBuilder h, Comparison comparison, List<ReportCharts.Figure> figures) {
    List<String> names = comparison.runs().stream().map(Comparison.Curves::name).toList();
    images(
        h,
        ReportCharts.COMPARISON,
        ReportCharts.COMPARISON + ": " + String.join(" vs ", names),
        figures);
    h.append("<p class=\"meta\">");
    for (Comparison.Curves run : comparison.runs()) {
      h.append(escapeHtml4(run.name()))
          .append(": ")
          .append(run.stats().size())
          .append(" complete iteration(s)")
          .append(run.eval().isPresent() ? ", evaluated" : ", not evaluated")
          .append("; ");
    }
    h.setLength(h.length() - 2);
    h.append(".</p>\n");
  }

  /** The configuration (changed settings shown, all of them folded) and the provenance. */
  private static void settings(StringBuilder h, SettingsSection section) {
    if (section.settings().isEmpty() && section.provenance().isEmpty()) {
      return;
    }
    h.append("<h2 id=\"settings\">Settings and provenance</h2>\n");
    if (!section.settings().isEmpty()) {
      List<SettingsSection.Setting> changed =
          section.settings().stream().filter(SettingsSection.Setting::changed).toList();
      h.append("<p>Base model <code>")
          .append(escapeHtml4(String.valueOf(section.baseModel())))
          .append("</code>, prompts <code>")
          .append(escapeHtml4(String.valueOf(section.prompts())))
          .append("</code>; ")
          .append(section.settings().size())
          .append(" settings in <code>run.json</code>, ")
          .append(changed.size())
          .append(" changed from their defaults:</p>\n");
      settingsTable(h, changed);
      h.append("<details><summary>All ")
          .append(section.settings().size())
          .append(" settings</summary>\n");
      settingsTable(h, section.settings());
      h.append("</details>\n");
    } else {
      h.append("<p>No <code>run.json</code>: the settings are unknown.</p>\n");
    }
    if (!section.provenance().isEmpty()) {
      h.append("<table class=\"provenance\"><tr><th>iterations</th><th>version</th>")
          .append("<th>commit</th><th>Java</th><th>Spark</th><th>DJL</th><th>PyTorch</th>")
          .append("<th>host</th><th>command line</th></tr>\n");
      for (SettingsSection.ProvenanceSpan span : section.provenance()) {
        h.append("<tr>");
        cell(h, SettingsSection.ranges(span.iterations()));
        Provenance p = span.provenance();
        if (p == null) {
          h.append("<td colspan=\"8\" class=\"left\">not recorded</td>");
        } else {
          for (String v :
              List.of(
                  p.version(), p.commit(), p.java(), p.spark(), p.djl(), p.pytorch(), p.host())) {
            cell(h, v);
          }
          h.append("<td class=\"left\"><code>")
              .append(escapeHtml4(p.commandLine()))
              .append("</code></td>");
        }
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }
  }

  private static void settingsTable(StringBuilder h, List<SettingsSection.Setting> settings) {
    h.append("<table class=\"settings\"><tr><th>setting</th><th>value</th><th>source</th></tr>\n");
    for (SettingsSection.Setting s : settings) {
      h.append("<tr><td class=\"left\" title=\"")
          .append(escapeHtml4(s.doc()))
          .append("\"><code>")
          .append(escapeHtml4(s.key()))
          .append("</code></td>");
      cell(h, s.value());
      cell(h, s.source());
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static void stepMoments(StringBuilder h, ReportData data) {
    if (data.iterations().isEmpty()) {
      return;
    }
    h.append("<h2>Step moments</h2>\n<p>");
    List<Integer> steps = data.stepMoments();
    h.append(
        steps.isEmpty()
            ? "None detected: reward, response length and correct reflection length have not jumped"
                + " together."
            : "Reward, response length and correct reflection length jump together at iteration(s) "
                + escapeHtml4(steps.toString())
                + " (dashed lines in the charts, shaded rows in the table).");
    h.append("</p>\n");
  }

  /** A column of the per-iteration table: its heading, the metric and the decimals shown. */
  private record Column(String heading, Metric metric, int decimals) {}

  private static List<Column> iterationColumns() {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("responses", IterationMetrics.RESPONSES, 0));
    columns.add(new Column("reward", IterationMetrics.REWARD_MEAN, 3));
    columns.add(new Column("length mean", IterationMetrics.RESPONSE_LENGTH_MEAN, 1));
    columns.add(new Column("p50", IterationMetrics.RESPONSE_LENGTH_P50, 1));
    columns.add(new Column("p90", IterationMetrics.RESPONSE_LENGTH_P90, 1));
    columns.add(new Column("format rate", IterationMetrics.FORMAT_RATE, 3));
    columns.add(new Column("reflection share", IterationMetrics.REFLECTION_SHARE, 3));
    for (String p : ReflectionPatterns.NAMES) {
      columns.add(new Column(p, IterationMetrics.patternCount(p), 0));
    }
    columns.add(
        new Column(
            "correct reflection length", IterationMetrics.CORRECT_REFLECTION_LENGTH_MEAN, 1));
    columns.add(new Column("accuracy reflecting", IterationMetrics.ACCURACY_REFLECTING, 3));
    columns.add(new Column("accuracy not reflecting", IterationMetrics.ACCURACY_NOT_REFLECTING, 3));
    return columns;
  }

  /**
   * The per-iteration table (step-moment rows shaded); notebooks display it too. Each heading's
   * tooltip names the metric and says what it measures.
   */
  public static String iterationTable(List<IterationStats> stats) {
    List<Column> columns = iterationColumns();
    StringBuilder h = new StringBuilder();
    h.append("<table><tr><th>iteration</th>");
    for (Column c : columns) {
      h.append("<th title=\"")
          .append(escapeHtml4(c.metric().name() + ": " + c.metric().description()))
          .append("\">")
          .append(escapeHtml4(c.heading()))
          .append("</th>");
    }
    h.append("</tr>\n");
    for (IterationStats s : stats) {
      h.append(s.stepMoment() ? "<tr class=\"step\">" : "<tr>");
      cell(h, String.valueOf(s.iteration()));
      for (Column c : columns) {
        cell(h, format(s.value(c.metric()), c.decimals()));
      }
      h.append("</tr>\n");
    }
    return h.append("</table>\n").toString();
  }

  private static void evalTable(
      StringBuilder h, EvalResults eval, List<ReportCharts.Figure> figures) {
    images(h, ReportCharts.EVALUATION, figures);
    if (figures.stream().noneMatch(f -> f.section().equals(ReportCharts.EVALUATION))) {
      h.append("<h2>").append(ReportCharts.EVALUATION).append("</h2>\n");
    }
    h.append("<table><tr>");
    for (String name : eval.schema().fieldNames()) {
      h.append("<th>").append(escapeHtml4(name)).append("</th>");
    }
    h.append("</tr>\n");
    for (Row r : eval.rows()) {
      h.append("<tr>");
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        cell(
            h,
            v instanceof Double || v instanceof Float
                ? format(((Number) v).doubleValue(), 4)
                : String.valueOf(v));
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static void examples(StringBuilder h, ReportData data) {
    if (data.exampleIteration().isEmpty()) {
      return;
    }
    h.append("<h2>Example responses, iteration ")
        .append(data.exampleIteration().getAsInt())
        .append("</h2>\n");
    if (data.examples().isEmpty()) {
      h.append("<p>No responses in this iteration.</p>\n");
    }
    for (ResponseExample e : data.examples()) {
      h.append(example(e, data.caseInsensitive()));
    }
  }

  /**
   * One response as a block: its identity, reward, length, patterns, question and reference answer,
   * and the text with the patterns highlighted (escaped, cut at {@link #MAX_RESPONSE_CHARS});
   * notebooks display it too.
   */
  public static String example(ResponseExample e, boolean caseInsensitive) {
    StringBuilder h = new StringBuilder();
    h.append("<div class=\"example\"><p class=\"meta\">prompt <code>")
        .append(escapeHtml4(e.promptId()))
        .append("</code> sample ")
        .append(e.sampleIndex())
        .append(" · reward ")
        .append(e.reward() == null ? "–" : format(e.reward(), 0))
        .append(" · ")
        .append(e.responseLength())
        .append(" tokens · finish ")
        .append(escapeHtml4(String.valueOf(e.finishReason())))
        .append(" · patterns ")
        .append(e.patterns().isEmpty() ? "none" : escapeHtml4(String.join(" ", e.patterns())))
        .append("</p><p><b>Question:</b> ")
        .append(escapeHtml4(String.valueOf(e.question())))
        .append("<br><b>Reference answer:</b> ")
        .append(escapeHtml4(String.valueOf(e.groundTruth())))
        .append("</p><pre>")
        .append(ReflectionHighlighter.html(e.response(), caseInsensitive, MAX_RESPONSE_CHARS))
        .append("</pre></div>\n");
    return h.toString();
  }

  private static void cell(StringBuilder h, String text) {
    h.append("<td>").append(escapeHtml4(text)).append("</td>");
  }

  private static String format(double value, int decimals) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
