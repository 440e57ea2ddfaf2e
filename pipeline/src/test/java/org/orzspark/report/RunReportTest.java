package org.orzspark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.analysis.RunAnalysis;
import org.orzspark.analysis.StepMoments;
import org.orzspark.analysis.SyntheticRun;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSettings;
import org.orzspark.testing.SharedSpark;

class RunReportTest {
  private static final RunReport.Options OPTIONS =
      new RunReport.Options(false, null, 8, new StepMoments.Rule(3, 3, 0.1));

  private final SparkSession spark = SharedSpark.session();

  static List<String> imageSources(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyChartIsAPngWithContentAndModelOutputIsEscaped() throws Exception {
    Path run = StepRunFixture.run();
    RunReport.Result result = RunReport.write(spark, run, OPTIONS);
    assertThat(LocalRuns.local(result.index())).isEqualTo(run.resolve("reports/index.html"));
    assertThat(result.stepMoments()).containsExactly(StepRunFixture.STEP_AT);
    assertThat(run.resolve("reports/_SUCCESS")).exists();

    String html = Files.readString(LocalRuns.local(result.index()), StandardCharsets.UTF_8);
    List<String> sources = imageSources(html);
    assertThat(sources)
        .containsExactlyElementsOf(result.charts())
        .contains(
            "reward.png",
            "response-length.png",
            "format-rate.png",
            "reflection-share.png",
            "reflection-length.png",
            "metrics-losses-policy.png",
            "metrics-losses-value.png",
            "metrics-time.png",
            "eval-avg_at_k.png");
    for (String src : sources) {
      var image = PngImages.read(run.resolve("reports").resolve(src));
      assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
      assertThat(PngImages.distinctColours(image)).as(src).isGreaterThan(20);
    }
    // sample 6 writes <script>alert('x')</script>: shown as text, never as markup
    assertThat(html)
        .doesNotContain("<script")
        .contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; so");
    assertThat(html).contains("<mark class=\"reflection\" title=\"wait,\">wait,</mark>");
    assertThat(html)
        .contains("Example responses, iteration 12")
        .contains("<tr class=\"step\"><td>7</td>");
    assertThat(html).contains("<th>benchmark</th>").contains("<td>math500</td>");
  }

  @Test
  void examplesFromAChosenIterationAndClearErrorForAMissingOne() throws Exception {
    Path run = StepRunFixture.run();
    RunReport.write(spark, run, new RunReport.Options(false, 3, 2, StepMoments.Rule.DEFAULT));
    String html = Files.readString(run.resolve("reports/index.html"), StandardCharsets.UTF_8);
    assertThat(html).contains("Example responses, iteration 3");
    assertThat(html.split("<div class=\"example\">", -1)).hasSize(3);
    assertThatThrownBy(
            () ->
                RunReport.write(
                    spark, run, new RunReport.Options(false, 99, 2, StepMoments.Rule.DEFAULT)))
        .hasMessageContaining("no complete iteration 99");
  }

  @Test
  void theSettingsSectionShowsRunJsonWithSourcesAndTheProvenanceOfEachIteration() throws Exception {
    Path run = StepRunFixture.run();
    RunReport.Result result = RunReport.write(spark, run, OPTIONS);
    String html = Files.readString(LocalRuns.local(result.index()), StandardCharsets.UTF_8);
    String settings = html.substring(html.indexOf("<h2 id=\"settings\">"));
    int all = RunSettings.all().size();
    assertThat(settings)
        .startsWith("<h2 id=\"settings\">Settings and provenance</h2>")
        .contains("Base model <code>Qwen/Qwen2.5-0.5B</code>")
        .contains(all + " settings in <code>run.json</code>, 2 changed from their defaults")
        .contains(
            "<code>rollout.samples_per_prompt</code></td><td>8</td><td>profile tiny-cpu or"
                + " --set</td>")
        .contains("<code>run.seed</code></td><td>7</td>")
        .contains("<details><summary>All " + all + " settings</summary>")
        .contains("<code>ppo.gamma</code></td><td>1.0</td><td>default</td>");
    // iterations 1-8 ran on node-a, 9-12 were resumed on node-b; secrets stay redacted
    assertThat(settings)
        .contains("<tr><td>1&ndash;8</td><td>0.1.0</td><td>0123abc</td>")
        .contains("<td>node-a</td>")
        .contains("<tr><td>9&ndash;12</td>")
        .contains("<td>node-b</td>")
        .contains("--set hf.token=&lt;redacted&gt;");
  }

  @Test
  void iterationRangesAreContiguousRuns() {
    assertThat(SettingsSection.ranges(List.of(1, 2, 3, 5, 7, 8))).isEqualTo("1–3, 5, 7–8");
    assertThat(SettingsSection.ranges(List.of(4))).isEqualTo("4");
    assertThat(SettingsSection.ranges(List.of())).isEmpty();
  }

  @Test
  void heldOutAccuracyIsChartedOverCheckpointsWhenTheRunWasEvaluated(@TempDir Path tmp) {
    Path run = StepRunFixture.run();
    RunAnalysis analysis = RunAnalysis.open(spark, run, false);
    ReportData data = RunReport.collect(analysis, analysis.iterationStats(OPTIONS.rule()), OPTIONS);
    JFreeChart accuracy = figure(ReportCharts.all(data), "eval-avg_at_k.png").chart();
    assertThat(accuracy.getTitle().getText()).isEqualTo("Held-out accuracy (avg@k)");
    assertThat(seriesNames(accuracy)).containsExactly("aime2024", "math500");
    // checkpoints 0, 5 and 10 of math500: 0.1 + 0.01 * checkpoint
    XYDataset math500 = accuracy.getXYPlot().getDataset();
    assertThat(math500.getItemCount(1)).isEqualTo(3);
    assertThat(math500.getXValue(1, 2)).isEqualTo(10.0);
    assertThat(math500.getYValue(1, 2)).isCloseTo(0.2, within(1e-12));

    Path unevaluated = tmp.resolve("unevaluated");
    SyntheticRun.writeRollouts(
        spark,
        new RunLayout(unevaluated),
        1,
        List.of(SyntheticRun.rollout("p0", 0, "wait, 4", 3, 1f, true)));
    RunAnalysis bare = RunAnalysis.open(spark, unevaluated, false);
    assertThat(
            ReportCharts.all(RunReport.collect(bare, bare.iterationStats(OPTIONS.rule()), OPTIONS))
                .stream()
                .map(ReportCharts.Figure::file))
        .isNotEmpty()
        .noneMatch(f -> f.startsWith("eval-"));
  }

  @Test
  void aComparisonDrawsBothRunsOnTheSameChartsWithALegendNamingEach() throws Exception {
    Path run = StepRunFixture.run();
    Path other = StepRunFixture.other();
    RunReport.Options compare = OPTIONS.comparedWith(new RunLayout(other));
    RunReport.Result result = RunReport.write(spark, run, compare);

    RunAnalysis analysis = RunAnalysis.open(spark, run, false);
    List<ReportCharts.Figure> figures =
        ReportCharts.all(
            RunReport.collect(analysis, analysis.iterationStats(compare.rule()), compare));
    List<ReportCharts.Figure> compared =
        figures.stream().filter(f -> f.section().equals(ReportCharts.COMPARISON)).toList();
    assertThat(compared)
        .extracting(ReportCharts.Figure::file)
        .containsExactly(
            "compare-reward.png",
            "compare-response-length.png",
            "compare-format-rate.png",
            "compare-reflection-share.png",
            "compare-accuracy.png");
    for (ReportCharts.Figure f : compared.subList(0, 4)) {
      assertThat(seriesNames(f.chart())).as(f.file()).containsExactly("step-run", "other-run");
      assertThat(f.chart().getLegend()).as(f.file()).isNotNull();
    }
    XYDataset reward = figure(compared, "compare-reward.png").chart().getXYPlot().getDataset();
    // the runs' own iterations: 12 and 10; from the step on 5 of 8 are correct, before 2 of 8
    assertThat(reward.getItemCount(0)).isEqualTo(StepRunFixture.ITERATIONS);
    assertThat(reward.getItemCount(1)).isEqualTo(StepRunFixture.OTHER_ITERATIONS);
    assertThat(reward.getYValue(0, StepRunFixture.OTHER_STEP_AT - 1)).isEqualTo(0.25);
    assertThat(reward.getYValue(1, StepRunFixture.OTHER_STEP_AT - 1)).isEqualTo(0.625);
    assertThat(seriesNames(figure(compared, "compare-accuracy.png").chart()))
        .containsExactly(
            "step-run · aime2024",
            "step-run · math500",
            "other-run · aime2024",
            "other-run · math500");

    String html = Files.readString(LocalRuns.local(result.index()), StandardCharsets.UTF_8);
    assertThat(html)
        .contains("<h2 id=\"comparison\">Comparison: step-run vs other-run</h2>")
        .contains("step-run: 12 complete iteration(s), evaluated; other-run: 10 complete");
    assertThat(imageSources(html)).contains("compare-reward.png", "compare-accuracy.png");
    assertThatThrownBy(
            () ->
                RunReport.write(
                    spark, run, OPTIONS.comparedWith(new RunLayout(run.resolveSibling("no-run")))))
        .hasMessageContaining("does not exist");
  }

  private static ReportCharts.Figure figure(List<ReportCharts.Figure> figures, String file) {
    return figures.stream().filter(f -> f.file().equals(file)).findFirst().orElseThrow();
  }

  private static List<String> seriesNames(JFreeChart chart) {
    XYDataset data = chart.getXYPlot().getDataset();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < data.getSeriesCount(); i++) {
      names.add(String.valueOf(data.getSeriesKey(i)));
    }
    return names;
  }

  @Test
  void aRunWithoutIterationsStillGetsAPage(@TempDir Path tmp) throws Exception {
    Path run = Files.createDirectories(tmp.resolve("fresh-run"));
    RunReport.Result result = RunReport.write(spark, run, RunReport.Options.DEFAULTS);
    assertThat(result.charts()).isEmpty();
    assertThat(Files.readString(LocalRuns.local(result.index())))
        .contains("No complete iteration yet");
  }
}
