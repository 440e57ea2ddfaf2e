package org.orzspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.analysis.StepMoments;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.ExternalTools;
import org.orzspark.testing.SharedSpark;

/**
 * The report of a run compared with another, opened from disk in headless Chromium (Debian's {@code
 * chromium}; skipped when it is not installed): a screenshot has content, the comparison,
 * evaluation and settings sections are in the page, and every {@code <img>} of the page loaded as a
 * 720×360 image. Image load state is read by dumping the DOM of a copy of the page with a probe
 * script that records each image's natural size on the load event.
 */
class RunReportBrowserTest {
  private static final String PROBE =
      "<script>window.addEventListener('load',function(){document.body.setAttribute('data-probe',"
          + "Array.prototype.map.call(document.images,function(i){return"
          + " i.getAttribute('src')+'='+i.naturalWidth+'x'+i.naturalHeight;}).join('"
          + " '));});</script>";

  @TempDir Path tmp;

  /** Where the screenshot of the comparison report is kept to look at (the module's target/). */
  static final Path SCREENSHOT = Path.of("target", "report-compare.png");

  @Test
  void reportWithAComparisonRendersInHeadlessChromiumWithEveryChartLoaded() throws Exception {
    Path chromium = chromium();
    Path run = StepRunFixture.run();
    RunReport.Result result =
        RunReport.write(
            SharedSpark.session(),
            run,
            new RunReport.Options(false, null, 3, new StepMoments.Rule(3, 3, 0.1))
                .comparedWith(new RunLayout(StepRunFixture.other())));

    Path shot = tmp.resolve("shot.png");
    browse(
        chromium,
        "--window-size=1400,7000",
        "--hide-scrollbars",
        "--screenshot=" + shot,
        LocalRuns.local(result.index()).toUri().toString());
    Files.copy(shot, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    BufferedImage screenshot = PngImages.read(shot);
    assertThat(screenshot.getWidth()).isEqualTo(1400);
    assertThat(PngImages.distinctColours(screenshot)).isGreaterThan(100);
    assertThat(PngImages.inkShare(screenshot)).isGreaterThan(0.02);

    String html = Files.readString(LocalRuns.local(result.index()), StandardCharsets.UTF_8);
    Path probed = LocalRuns.local(result.index()).resolveSibling("probe.html");
    Files.writeString(probed, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
    String dom =
        browse(chromium, "--virtual-time-budget=10000", "--dump-dom", probed.toUri().toString());
    Matcher m = Pattern.compile("data-probe=\"([^\"]*)\"").matcher(dom);
    assertThat(m.find())
        .as("probe ran; DOM:\n%s", dom.substring(0, Math.min(500, dom.length())))
        .isTrue();
    List<String> loaded = List.of(m.group(1).split(" "));
    List<String> expected = new ArrayList<>();
    result.charts().forEach(c -> expected.add(c + "=" + Charts.WIDTH + "x" + Charts.HEIGHT));
    assertThat(loaded)
        .containsExactlyElementsOf(expected)
        .contains(
            "compare-reward.png=720x360",
            "compare-accuracy.png=720x360",
            "eval-avg_at_k.png=720x360");
    // the new sections as the browser parsed them
    assertThat(dom)
        .contains("<h2 id=\"comparison\">Comparison: step-run vs other-run</h2>")
        .contains("<h2 id=\"settings\">Settings and provenance</h2>")
        .contains("<h2 id=\"evaluation\">Evaluation</h2>")
        .contains("<table class=\"provenance\">");
  }

  private static Path chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    ExternalTools.require(
        false,
        "chromium is not installed (apt-get install -y chromium): report browser test skipped");
    return null;
  }

  /** Runs headless Chromium with a fresh profile; returns its standard output. */
  private String browse(Path chromium, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "chromium", ".out");
    Path err = Files.createTempFile(tmp, "chromium", ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "chromium did not finish in 120 s; stderr:\n" + Files.readString(err));
    }
    assertThat(p.exitValue()).as("chromium exit; stderr:\n%s", Files.readString(err)).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
