package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.orzspark.jobs.Orz;
import org.orzspark.jobs.OrzCli;
import org.orzspark.testing.RepoData;
import picocli.CommandLine;

/** {@code orz evaluate --benchmark}: names to the vendored files, checked before any Spark work. */
class EvalBenchmarkTest {
  private static final Path EVAL = RepoData.resolve("eval");

  private static EvaluateCommand parse(String... args) {
    return (EvaluateCommand)
        Orz.commandLine().parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  void theNamesMapToTheFilesTheRepositoryShips() {
    assertThat(EvalBenchmark.validNames()).isEqualTo("aime2024, aime2025, math500, gpqa-diamond");
    assertThat(EvalBenchmark.named("aime2024").file(EVAL)).isEqualTo(EVAL.resolve("aime2024.json"));
    assertThat(EvalBenchmark.named("aime2025").file(EVAL))
        .isEqualTo(EVAL.resolve("aime2025.jsonl"));
    assertThat(EvalBenchmark.named("math500").file(EVAL)).isEqualTo(EVAL.resolve("math500.json"));
    assertThat(EvalBenchmark.named("gpqa-diamond").file(EVAL))
        .isEqualTo(EVAL.resolve("gpqa_diamond.json"));
  }

  @Test
  void theDefaultFolderIsTheCheckoutsEvalData() {
    assertThat(
            parse("evaluate", "--model", "m", "--benchmark", "math500")
                .benchmarkDir
                .toString()
                .replace('\\', '/'))
        .endsWith("/datasets/data/eval");
  }

  @Test
  void benchmarksAndFilesCombineAndResultsAreStoredUnderTheBenchmarksName() {
    EvaluateCommand command =
        parse(
            "evaluate",
            "--model",
            "m",
            "--benchmark-dir",
            EVAL.toString(),
            "--benchmark",
            "gpqa-diamond,aime2025",
            "--benchmark",
            "math500",
            "--eval",
            "x/mine.jsonl");
    assertThat(command.targets())
        .containsExactly(
            new EvaluateCommand.Target(
                "gpqa-diamond", EVAL.resolve("gpqa_diamond.json").toString()),
            new EvaluateCommand.Target("aime2025", EVAL.resolve("aime2025.jsonl").toString()),
            new EvaluateCommand.Target("math500", EVAL.resolve("math500.json").toString()),
            new EvaluateCommand.Target("mine", "x/mine.jsonl"));
  }

  @Test
  void anUnknownNameIsOneLineListingTheValidOnesWithUsageStatus() {
    OrzCli.Outcome outcome =
        OrzCli.execute(
            "evaluate",
            "--model",
            "m",
            "--benchmark-dir",
            EVAL.toString(),
            "--benchmark",
            "math500,aime2099");
    assertThat(outcome.status()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .isEqualTo(
            "orz evaluate: unknown benchmark 'aime2099'; valid: aime2024, aime2025, "
                + "math500, gpqa-diamond"
                + System.lineSeparator());
  }

  @Test
  void noSetAMissingFolderOrOneNameTwiceIsRefusedBeforeSpark() {
    assertThat(OrzCli.execute("evaluate", "--model", "m"))
        .satisfies(o -> assertThat(o.status()).isEqualTo(CommandLine.ExitCode.USAGE))
        .satisfies(
            o -> assertThat(o.err()).startsWith("orz evaluate: give --benchmark").hasLineCount(1));
    assertThatThrownBy(
            () ->
                parse(
                        "evaluate",
                        "--model",
                        "m",
                        "--benchmark-dir",
                        "/nowhere",
                        "--benchmark",
                        "math500")
                    .targets())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/nowhere/math500.json: no such file");
    assertThatThrownBy(
            () ->
                parse(
                        "evaluate",
                        "--model",
                        "m",
                        "--benchmark-dir",
                        EVAL.toString(),
                        "--benchmark",
                        "math500",
                        "--eval",
                        "other/math500.json")
                    .targets())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'math500' given twice");
  }
}
