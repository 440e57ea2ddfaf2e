package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.RepoPaths;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

/** How the command line reports a mistake of its user, as opposed to a defect. */
class OrzErrorsTest {

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    // Commands take the session spark-submit made through getOrCreate.
    SharedSpark.session();
  }

  @Test
  void aWrongOptionValueIsOneLineNamingTheCommandWithUsageStatus() {
    OrzCli.Outcome outcome =
        OrzCli.execute(
            "synth", "--families", "arithmetic,astrology", "--output", dir.resolve("s").toString());
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .startsWith("orz synth: unknown synthetic family 'astrology'")
        .doesNotContain("\tat ")
        .hasLineCount(1);
    assertThat(dir.resolve("s")).doesNotExist();
  }

  @Test
  void aMissingInputFileIsOneLineToo() {
    OrzCli.Outcome outcome =
        OrzCli.execute(
            "prepare",
            "--input",
            dir.resolve("absent.json").toString(),
            "--output",
            dir.resolve("out").toString());
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .startsWith("orz prepare: ")
        .contains("absent.json")
        .doesNotContain("\tat ")
        .hasLineCount(1);
  }

  /** Someone's folder: files, no _SUCCESS. */
  private Path userFolder() throws IOException {
    Path home = Files.createDirectories(dir.resolve("home").resolve("notes"));
    Files.writeString(home.resolve("thesis.tex"), "years of work");
    return home.getParent();
  }

  @Test
  void overwriteRefusesAFolderOrzDidNotWriteAndLeavesItUntouched() throws IOException {
    Path home = userFolder();
    Path responses = dir.resolve("responses.jsonl");
    Files.writeString(responses, "{\"response\": \"\\\\boxed{4}\", \"ground_truth\": \"4\"}\n");
    for (String[] args :
        List.of(
            new String[] {"synth", "--count", "5", "--output", home.toString(), "--overwrite"},
            new String[] {
              "score", "--input", responses.toString(), "--output", home.toString(), "--overwrite"
            })) {
      OrzCli.Outcome outcome = OrzCli.execute(args);
      assertThat(outcome.status()).as(args[0]).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(outcome.err())
          .isEqualTo(
              "orz "
                  + args[0]
                  + ": refusing to replace "
                  + home
                  + ": it is not an orz output (no _SUCCESS); choose another output folder or"
                  + " remove it yourself"
                  + System.lineSeparator());
      try (Stream<Path> files = Files.walk(home)) {
        assertThat(files.map(home::relativize).map(Path::toString))
            .containsExactlyInAnyOrder("", "notes", "notes/thesis.tex");
      }
      assertThat(home.resolve("notes/thesis.tex")).hasContent("years of work");
    }
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .as("no temp folder left")
          .containsExactlyInAnyOrder("home", "responses.jsonl");
    }
  }

  @Test
  void overwriteReplacesAnOrzOutput() throws IOException {
    Path earlier = Files.createDirectories(dir.resolve("earlier"));
    Files.writeString(earlier.resolve("part-0.parquet"), "from an earlier version");
    Files.createFile(earlier.resolve("_SUCCESS"));
    assertThat(
            OrzCli.execute("synth", "--count", "5", "--output", earlier.toString(), "--overwrite")
                .status())
        .isZero();
    assertThat(earlier.resolve("part-0.parquet")).doesNotExist();
    assertThat(SharedSpark.session().read().parquet(earlier.toString()).count()).isEqualTo(5);
  }

  @Test
  void aSettingOutOfRangeStopsInitInOneLine() {
    Path run = dir.resolve("run");
    OrzCli.Outcome outcome =
        OrzCli.execute(
            "init",
            "--run-dir",
            run.toString(),
            "--base",
            dir.resolve("base").toString(),
            "--prompts",
            dir.resolve("prompts").toString(),
            "--set",
            "ppo.gamma=NaN");
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .isEqualToIgnoringNewLines(
            "orz init: ppo.gamma=NaN is out of range; valid: a finite number in [0, 1]");
    assertThat(run).doesNotExist();
  }

  @Test
  void aSettingOutOfRangeStopsBenchIterationBeforeItMakesAnything() {
    OrzCli.Outcome outcome =
        OrzCli.execute(
            "bench",
            "iteration",
            "--base",
            dir.resolve("base").toString(),
            "--run-dir",
            dir.resolve("run").toString(),
            "--set",
            "rollout.top_p=0",
            "--profile",
            RepoPaths.root().resolve("conf/profiles/tiny-cpu.properties").toString());
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .isEqualToIgnoringNewLines(
            "orz bench iteration: rollout.top_p=0 is out of range; valid: a finite number in (0, 1]");
    assertThat(dir.resolve("run-prompts")).doesNotExist();
  }

  @Test
  void aRunJsonEditedOutOfRangeStopsIterateInTheSameLineBeforeAnyStage() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    RunLayout layout = new RunLayout(run);
    String json =
        new ObjectMapper()
            .writeValueAsString(RunConfig.resolve("m", "p", "x", new Properties(), Map.of()));
    Files.writeString(
        LocalRuns.local(layout.runJson()),
        json.replace("\"rollout.temperature\":\"1.0\"", "\"rollout.temperature\":\"-0.5\""));

    OrzCli.Outcome outcome = OrzCli.execute("iterate", "--run-dir", run.toString());
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .isEqualToIgnoringNewLines(
            "orz iterate: rollout.temperature=-0.5 is out of range; valid: a finite number > 0");
    try (var written = Files.list(run)) {
      assertThat(written).containsExactly(LocalRuns.local(layout.runJson()));
    }
  }
}
