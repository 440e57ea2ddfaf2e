package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.analysis.IterationStats;
import org.orzspark.analysis.RunAnalysis;
import org.orzspark.analysis.StepMoments;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.report.RunReport;
import org.orzspark.report.StepRunFixture;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

class AnalyzeCommandTest {
  private final SparkSession spark = SharedSpark.session();

  @TempDir Path tmp;

  @Test
  void writesParquetCsvAndStepMomentsOfTheStepRun() throws Exception {
    Path run = StepRunFixture.run();
    String output = tmp.resolve("analysis").toString();
    AnalyzeCommand.Result result =
        AnalyzeCommand.run(
            spark,
            new RunLayout(run),
            output,
            new RunReport.Options(false, null, 3, new StepMoments.Rule(3, 3, 0.1)));

    assertThat(result.stats()).hasSize(StepRunFixture.ITERATIONS);
    assertThat(result.stepMoments()).containsExactly(StepRunFixture.STEP_AT);
    assertThat(AtomicOutput.isComplete(spark.sparkContext().hadoopConfiguration(), output))
        .isTrue();
    assertThat(LocalRuns.local(result.report())).exists();

    List<Row> table =
        spark.read().parquet(output + "/iterations").orderBy("iteration").collectAsList();
    assertThat(table).hasSize(StepRunFixture.ITERATIONS);
    assertThat(spark.read().parquet(output + "/iterations").schema())
        .isEqualTo(RunAnalysis.ITERATION_TABLE.asNullable());
    Row seven = table.get(6);
    // from the step: 5 of 8 correct; samples 0-3 reflect; correct and reflecting: 0 and 1,
    // lengths 60 + s + 7 % 3 -> 61 and 62
    assertThat(seven.<Double>getAs("reward_mean")).isEqualTo(0.625);
    assertThat(seven.<Long>getAs("reflecting_responses")).isEqualTo(4L);
    assertThat(seven.<Double>getAs("correct_reflection_length_mean"))
        .isCloseTo(61.5, within(1e-12));
    assertThat(seven.<Double>getAs("format_rate")).isEqualTo(7 / 8.0);
    assertThat(seven.<Boolean>getAs("step_moment")).isTrue();

    List<String> csv = Files.readAllLines(Path.of(output, "iterations.csv"));
    assertThat(csv).hasSize(StepRunFixture.ITERATIONS + 1);
    assertThat(csv.get(0)).startsWith("iteration,responses,reward_mean,response_length_mean,");
    assertThat(csv.get(7)).startsWith("7,8,0.625,");
    List<String> steps = Files.readAllLines(Path.of(output, "step_moments.csv"));
    assertThat(steps).hasSize(2);
    assertThat(steps.get(1)).startsWith("7,");
    try (var files = Files.list(Path.of(output))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".")))
          .containsExactlyInAnyOrder(
              "iterations", "iterations.csv", "step_moments", "step_moments.csv", "_SUCCESS");
    }
  }

  @Test
  void caseInsensitiveSwitchCountsCapitalisedWait() throws Exception {
    Path run = StepRunFixture.run();
    AnalyzeCommand.Result result =
        AnalyzeCommand.run(
            spark,
            new RunLayout(run),
            tmp.resolve("ci").toString(),
            new RunReport.Options(true, 7, 2, StepMoments.Rule.DEFAULT));
    IterationStats seven = result.stats().get(6);
    // sample 5 writes "Wait," and is correct: 5 reflecting, correct reflecting 0, 1, 5 (61, 62, 66)
    assertThat(seven.value(IterationMetrics.REFLECTING_RESPONSES)).isEqualTo(5.0);
    assertThat(seven.value(IterationMetrics.patternCount("wait,"))).isEqualTo(2.0);
    assertThat(seven.value(IterationMetrics.CORRECT_REFLECTION_LENGTH_MEAN))
        .isCloseTo(63.0, within(1e-12));
  }

  @Test
  void commandLineDefaultsToRunAnalysisAndRejectsARunWithoutRollouts() throws Exception {
    Path run = StepRunFixture.run();
    assertThat(
            Orz.commandLine().execute("analyze", "--run-dir", run.toString(), "--step-window", "3"))
        .isZero();
    assertThat(run.resolve("analysis/iterations.csv")).exists();

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    StringWriter err = new StringWriter();
    CommandLine cli = Orz.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("analyze", "--run-dir", empty.toString())).isNotZero();
    assertThat(err.toString()).contains("nothing to analyse");
    assertThatThrownBy(
            () -> AnalyzeCommand.run(spark, new RunLayout(empty), null, RunReport.Options.DEFAULTS))
        .hasMessageContaining("no complete iteration under rollouts/");
  }

  @Test
  void outputReplacesItsOwnEarlierAnalysisButRefusesAFolderOrzDidNotWrite() throws Exception {
    Path run = StepRunFixture.run();
    Path output = tmp.resolve("tables");
    String[] analyze = {
      "analyze", "--run-dir", run.toString(), "--output", output.toString(), "--step-window", "3"
    };
    assertThat(Orz.commandLine().execute(analyze)).as("a fresh folder").isZero();
    Files.writeString(output.resolve("iterations.csv"), "stale");
    assertThat(Orz.commandLine().execute(analyze)).as("its own earlier output").isZero();
    assertThat(Files.readString(output.resolve("iterations.csv"))).startsWith("iteration,");

    Path home = Files.createDirectories(tmp.resolve("home").resolve("notes"));
    Files.writeString(home.resolve("thesis.tex"), "years of work");
    StringWriter err = new StringWriter();
    CommandLine cli = Orz.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(
            cli.execute(
                "analyze", "--run-dir", run.toString(), "--output", home.getParent().toString()))
        .isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString())
        .startsWith("orz analyze: refusing to replace " + home.getParent() + ": ")
        .contains("not an orz output (no _SUCCESS)")
        .hasLineCount(1);
    assertThat(home.resolve("thesis.tex")).hasContent("years of work");
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temp folder left")
          .containsExactlyInAnyOrder("tables", "home");
    }
  }

  @Test
  void compareDrawsTheOtherRunInTheReportAndAMissingOneIsOneLineWithExitTwo() throws Exception {
    Path run = StepRunFixture.run();
    Path other = StepRunFixture.other();
    assertThat(
            Orz.commandLine()
                .execute(
                    "analyze",
                    "--run-dir",
                    run.toString(),
                    "--compare",
                    other.toString(),
                    "--step-window",
                    "3"))
        .isZero();
    assertThat(run.resolve("reports/compare-reward.png")).exists();
    assertThat(Files.readString(run.resolve("reports/index.html")))
        .contains("Comparison: step-run vs other-run");

    StringWriter err = new StringWriter();
    CommandLine cli = Orz.commandLine();
    cli.setErr(new PrintWriter(err, true));
    Path missing = tmp.resolve("no-such-run");
    assertThat(cli.execute("analyze", "--run-dir", run.toString(), "--compare", missing.toString()))
        .isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains(missing.toString()).hasLineCount(1);
  }

  @Test
  void everyOptionShowsItsDefault() {
    String usage =
        Orz.commandLine().getSubcommands().get("analyze").getUsageMessage().replaceAll("\\s+", " ");
    assertThat(usage)
        .contains(
            "(default: 5)", "(default: 3.0)", "(default: 0.1)", "(default: false)", "R/analysis");
  }
}
