package org.orzspark.jobs.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.curate.PassRateBand;
import org.orzspark.evaluation.ScoredSampling;
import org.orzspark.evaluation.passrate.PassRateEngine;
import org.orzspark.jobs.Orz;
import picocli.CommandLine;

/**
 * {@code orz curate pass-rate}'s options: help, defaults, and the settings they become. The engine
 * itself (sampling, the split, resumption) is tested in pipeline's {@code PassRateEngineTest}.
 */
class PassRateCommandTest {

  private static PassRateCommand parse(String... args) {
    CommandLine.ParseResult parsed = Orz.commandLine().parseArgs(args);
    return (PassRateCommand) parsed.subcommand().subcommand().commandSpec().userObject();
  }

  @Test
  void optionsShowTheirDefaultsAndReachTheSettings() {
    StringWriter help = new StringWriter();
    CommandLine commandLine = Orz.commandLine();
    commandLine.setOut(new PrintWriter(help));
    assertThat(commandLine.execute("curate", "pass-rate", "--help")).isZero();
    assertThat(help.toString().replaceAll("\\s+", " "))
        .contains(
            "--samples=<samples> Samples per prompt, k (default: 8)",
            "(default: 0.0: never solved)",
            "(default: 0.8)",
            "--hard-below",
            "(default: 16)",
            "(default: 42)");
    PassRateCommand command =
        parse(
            "curate",
            "pass-rate",
            "--input",
            "in",
            "--output",
            "out",
            "--model",
            "m",
            "--hard-below",
            "4",
            "--samples",
            "64");
    assertThat(command.hardBelow).isEqualTo(4);
    assertThat(command.min).isEqualTo(0.0);
    assertThat(command.max).isEqualTo(0.8);
    PassRateEngine.Settings settings = command.settings();
    assertThat(settings.input()).isEqualTo("in");
    assertThat(settings.output()).isEqualTo("out");
    assertThat(settings.model()).isEqualTo(Path.of("m"));
    assertThat(settings.band()).isEqualTo(new PassRateBand(0.0, 0.8, 4));
    assertThat(settings.sampling())
        .isEqualTo(
            new ScoredSampling.Settings(
                64, 1.0, 1.0, 1024, org.orzspark.datasets.PromptTemplate.Variant.PAPER, 64, 42, 0));
    assertThat(settings.partitions()).isEqualTo(16);
    assertThat(settings.overwrite()).isFalse();
    assertThat(
            parse("curate", "pass-rate", "--input", "in", "--output", "out", "--model", "m")
                .settings()
                .band()
                .hasHardSubset())
        .as("no --hard-below: no hard subset")
        .isFalse();
    assertThatThrownBy(
            () ->
                new PassRateEngine.Settings(
                    "in",
                    "out",
                    Path.of("m"),
                    new ScoredSampling.Settings(
                        8,
                        1.0,
                        1.0,
                        48,
                        org.orzspark.datasets.PromptTemplate.Variant.PAPER,
                        64,
                        42,
                        0),
                    new PassRateBand(0.0, 0.8, 9),
                    4,
                    false))
        .hasMessageContaining("--hard-below 9 exceeds --samples 8");
    assertThatThrownBy(
            () ->
                parse(
                        "curate",
                        "pass-rate",
                        "--input",
                        "in",
                        "--output",
                        "out",
                        "--model",
                        "m",
                        "--hard-below",
                        "9")
                    .settings())
        .hasMessageContaining("--hard-below 9 exceeds --samples 8");
  }
}
