package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.RepoData;

/** The launcher as a user runs it: help, options documented, a spark-submit job in local mode. */
class LauncherIT {

  @Test
  void helpListsEveryCommandAndExitsZero() throws Exception {
    var help = LauncherProcess.run(Duration.ofMinutes(5), "--help");
    assertThat(help.exitCode()).as(help.output()).isZero();
    for (var sub : Orz.commandLine().getSubcommands().keySet()) {
      assertThat(help.output()).contains("  " + sub);
    }
  }

  /** spark-submit in local mode through the launcher, on a real eval file with defects. */
  @Test
  void prepareRunsThroughSparkSubmitAndQuarantinesDefects(@TempDir Path out) throws Exception {
    Path output = out.resolve("prompts");
    var prepare =
        LauncherProcess.run(
            Duration.ofMinutes(5),
            "prepare",
            "--input",
            RepoData.resolve("eval/aime2025.jsonl").toString(),
            "--input",
            RepoData.resolve("eval/math500.json").toString(),
            "--output",
            output.toString());
    assertThat(prepare.exitCode()).as(prepare.output()).isZero();
    assertThat(prepare.output()).contains("read 530, written 527, quarantined 3");
    assertThat(output.resolve("_SUCCESS")).exists();
    JsonNode summary = new ObjectMapper().readTree(output.resolve("_summary.json").toFile());
    assertThat(summary.toString()).contains("530").contains("527");

    var again =
        LauncherProcess.run(
            Duration.ofMinutes(5),
            "prepare",
            "--input",
            RepoData.resolve("eval/math500.json").toString(),
            "--output",
            output.toString());
    assertThat(again.exitCode()).as("refuses to overwrite without --overwrite").isNotZero();
    assertThat(again.output()).contains("already exists");
  }

  @Test
  void everyOptionOfEveryCommandShowsItsDefaultOrIsAFlag() {
    // Every undocumented option is reported at once, not only the first one met.
    SoftAssertions softly = new SoftAssertions();
    Orz.commandLine().getSubcommands().values().forEach(c -> assertDocumented(softly, c));
    softly.assertAll();
  }

  private static void assertDocumented(SoftAssertions softly, picocli.CommandLine command) {
    for (var option : command.getCommandSpec().options()) {
      boolean flag = option.arity().max() == 0;
      boolean standard = option.usageHelp() || option.versionHelp();
      if (!flag && !standard && !option.required()) {
        softly
            .assertThat(String.join(" ", option.description()))
            .as(
                "option %s of '%s' documents its default",
                option.longestName(), command.getCommandSpec().qualifiedName())
            .containsIgnoringCase("default");
      }
    }
    command.getSubcommands().values().forEach(c -> assertDocumented(softly, c));
  }
}
