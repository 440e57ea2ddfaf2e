package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.faults.ChildJvm;
import org.orzspark.model.ModelCheckpoint;
import org.orzspark.pretrain.BasePretrainer;
import picocli.CommandLine;

class PretrainBaseCommandTest {

  /** The {@code tiny} model for a handful of small steps: seconds. */
  static String[] quickArgs(Path output) {
    return new String[] {
      "pretrain-base",
      "--output",
      output.toString(),
      "--seed",
      "3",
      "--train-problems",
      "64",
      "--held-out-problems",
      "4",
      "--tokenizer-texts",
      "64",
      "--vocab-size",
      "320",
      "--steps",
      "6",
      "--batch-size",
      "4",
      "--warmup-steps",
      "1",
      "--eval-max-new-tokens",
      "12",
      "--log-every",
      "3"
    };
  }

  static PretrainBaseCommand parse(String... args) {
    CommandLine.ParseResult parsed = Orz.commandLine().parseArgs(args);
    return (PretrainBaseCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void optionsReachThePretrainerAndTheRunWritesTheModel(@TempDir Path dir) throws Exception {
    PretrainBaseCommand command = parse(quickArgs(dir.resolve("base")));
    BasePretrainer.Options options = command.options();
    assertThat(options.steps()).isEqualTo(6);
    assertThat(options.architecture().hiddenSize()).isEqualTo(128);
    assertThat(options.families()).containsExactly("arithmetic", "linear", "comparison");

    BasePretrainer.Result result = command.run(new PrintStream(PrintStream.nullOutputStream()));

    assertThat(result.output()).isEqualTo(dir.resolve("base").toAbsolutePath());
    assertThat(ModelCheckpoint.read(result.output()).config().numHiddenLayers()).isEqualTo(3);
    assertThat(result.sampled().problems()).isEqualTo(4);
  }

  @Test
  void threadsAreSetInAFreshProcessBeforeAnyModelLoadedTheEngine(@TempDir Path dir)
      throws Exception {
    // A fresh JVM: in this one another test may already have loaded the engine's native library.
    List<String> args = new ArrayList<>(List.of(quickArgs(dir.resolve("base"))));
    args.addAll(List.of("--threads", "2"));

    ChildJvm.Outcome outcome =
        ChildJvm.orz(Map.of(), Duration.ofMinutes(3), args.toArray(String[]::new));

    assertThat(outcome.output()).doesNotContain("UnsatisfiedLinkError");
    assertThat(outcome.status()).as(outcome.output()).isZero();
    assertThat(dir.resolve("base/config.json")).exists();
  }

  @Test
  void smallSelectsTheTenMillionParameterShapeAndFamiliesSplitOnCommas(@TempDir Path dir) {
    BasePretrainer.Options options =
        parse(
                "pretrain-base",
                "--output",
                dir.toString(),
                "--config",
                "small",
                "--families",
                "arithmetic,counting")
            .options();
    assertThat(options.architecture().hiddenSize()).isEqualTo(384);
    assertThat(options.families()).containsExactly("arithmetic", "counting");
  }

  @Test
  void helpShowsEveryDefault() {
    StringWriter help = new StringWriter();
    CommandLine commandLine = Orz.commandLine();
    commandLine.setOut(new PrintWriter(help));
    assertThat(commandLine.execute("pretrain-base", "--help")).isZero();
    assertThat(help.toString().replaceAll("\\s+", " "))
        .contains(
            "Default: tiny",
            "Default: 42",
            "Default: 0.45",
            "Default: [arithmetic, linear, comparison]");
  }
}
