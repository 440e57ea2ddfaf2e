package org.orzspark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.analysis.StepMoments;
import org.orzspark.run.LocalRuns;
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
  void aRunWithoutIterationsStillGetsAPage(@TempDir Path tmp) throws Exception {
    Path run = Files.createDirectories(tmp.resolve("fresh-run"));
    RunReport.Result result = RunReport.write(spark, run, RunReport.Options.DEFAULTS);
    assertThat(result.charts()).isEmpty();
    assertThat(Files.readString(LocalRuns.local(result.index())))
        .contains("No complete iteration yet");
  }
}
