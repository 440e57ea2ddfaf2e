package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  private record Outcome(int status, String err) {}

  private static Outcome execute(String... args) {
    CommandLine commandLine = Orz.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err, true));
    return new Outcome(commandLine.execute(args), err.toString());
  }

  @Test
  void aWrongOptionValueIsOneLineNamingTheCommandWithUsageStatus() {
    Outcome outcome =
        execute("synth", "--families", "arithmetic,astrology", "--output", dir.resolve("s").toString());
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .startsWith("orz synth: unknown synthetic family 'astrology'")
        .doesNotContain("\tat ")
        .hasLineCount(1);
    assertThat(dir.resolve("s")).doesNotExist();
  }

  @Test
  void aMissingInputFileIsOneLineToo() {
    Outcome outcome =
        execute("prepare", "--input", dir.resolve("absent.json").toString(), "--output",
            dir.resolve("out").toString());
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .startsWith("orz prepare: ")
        .contains("absent.json")
        .doesNotContain("\tat ")
        .hasLineCount(1);
  }
}
