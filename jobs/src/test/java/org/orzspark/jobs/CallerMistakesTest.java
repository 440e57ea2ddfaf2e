package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.RepoPaths;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

/**
 * Every caller mistake the commands know, each answered in one line naming the command and what to
 * fix, with exit status 2 and no stack trace. A new mistake a command learns to name belongs here.
 */
class CallerMistakesTest {

  @TempDir static Path dir;

  /** A run directory with its run.json and nothing else: no checkpoint, no rollouts. */
  private static Path emptyRun;

  /**
   * A run directory whose iteration 1 has two rollout rows (prompt p1, samples 0 and 1) with their
   * origin, and of its checkpoints only a marked folder of iteration 1: as a run whose checkpoint 0
   * was pruned.
   */
  private static Path prunedRun;

  @BeforeAll
  static void setUp() throws IOException {
    SharedSpark.session();
    emptyRun = Files.createDirectories(dir.resolve("empty-run"));
    Files.writeString(
        LocalRuns.local(new RunLayout(emptyRun).runJson()),
        new ObjectMapper()
            .writeValueAsString(RunConfig.resolve("m", "p", "x", new Properties(), Map.of())));
    prunedRun = Files.createDirectories(dir.resolve("pruned-run"));
    Files.copy(
        LocalRuns.local(new RunLayout(emptyRun).runJson()),
        LocalRuns.local(new RunLayout(prunedRun).runJson()));
    Path kept = LocalRuns.local(new RunLayout(prunedRun).checkpoint(1));
    Files.createDirectories(kept);
    Files.createFile(kept.resolve(AtomicOutput.SUCCESS));
    SparkSession spark = SharedSpark.session();
    List<Row> rows = new ArrayList<>();
    for (int sample = 0; sample < 2; sample++) {
      rows.add(
          RolloutTable.toRow(
              new RolloutTable.Generated(
                  "p1",
                  sample,
                  "1+1?",
                  "2",
                  new int[] {5, 6},
                  new int[] {7},
                  "2",
                  new float[] {-0.1f},
                  RolloutTable.FINISH_STOP),
              new RolloutTable.Origin("digest", 42L, 0, 0)));
    }
    try (AtomicOutput out =
        AtomicOutput.beginRunFolder(
            spark.sparkContext().hadoopConfiguration(),
            new RunLayout(prunedRun).rollouts(1).toString())) {
      out.writeParquet(spark.createDataFrame(rows, RolloutTable.GENERATED), "");
      out.commit();
    }
  }

  static Stream<Arguments> mistakes() {
    String missing = dir.resolve("no-such-run").toString();
    String run = emptyRun.toString();
    String benchmarks = RepoPaths.root().resolve("datasets/data/eval").toString();
    return Stream.of(
        Arguments.of(new String[] {"iterate", "--run-dir", missing}, "no run in"),
        Arguments.of(new String[] {"iterate", "--run-dir", run}, "no complete checkpoint in"),
        Arguments.of(
            new String[] {
              "evaluate", "--run-dir", run, "--benchmark", "math500", "--benchmark-dir", benchmarks
            },
            "no complete checkpoint in"),
        Arguments.of(
            new String[] {
              "evaluate", "--run-dir", run, "--benchmark", "math500", "--benchmark-dir", missing
            },
            "no such file"),
        Arguments.of(new String[] {"evaluate", "--run-dir", run}, "give --benchmark"),
        Arguments.of(new String[] {"analyze", "--run-dir", run}, "nothing to analyse"),
        Arguments.of(
            new String[] {"train", "--run-dir", run, "--iterations", "0"},
            "--iterations must be at least 1"),
        Arguments.of(new String[] {"train", "--run-dir", run}, "ORZ_HOME is not set"),
        Arguments.of(
            new String[] {"evaluate", "--run-dir", run, "--benchmark", "astrology"}, "astrology"),
        Arguments.of(new String[] {"settings", "--set", "ppo.no_such_key=1"}, "ppo.no_such_key"),
        Arguments.of(new String[] {"settings", "--profile", "no-such-profile"}, "no-such-profile"),
        Arguments.of(
            new String[] {
              "init",
              "--run-dir",
              run,
              "--base",
              dir.resolve("b").toString(),
              "--prompts",
              dir.resolve("p").toString()
            },
            run),
        Arguments.of(new String[] {"settings", "--run-dir", missing}, "no-such-run"),
        Arguments.of(
            new String[] {"export", "--run-dir", missing, "--output", dir.resolve("e1").toString()},
            "no run in"),
        Arguments.of(
            new String[] {"export", "--run-dir", run, "--output", dir.resolve("e2").toString()},
            "no complete checkpoint in"),
        Arguments.of(
            new String[] {
              "export",
              "--run-dir",
              run,
              "--checkpoint",
              "5",
              "--output",
              dir.resolve("e3").toString()
            },
            "checkpoint 5 does not exist (not written yet); complete ones: []"),
        Arguments.of(
            new String[] {"export", "--run-dir", run, "--output", dir.toString()},
            "already exists"),
        Arguments.of(
            new String[] {
              "export",
              "--run-dir",
              run,
              "--max-shard-size",
              "5 gigs",
              "--output",
              dir.resolve("e4").toString()
            },
            "--max-shard-size"),
        Arguments.of(replay(missing, "1", "p1", "0"), "no run in"),
        Arguments.of(replay(run, "1", "p1", "0"), "iteration 1 has no complete rollouts"),
        Arguments.of(replay(prunedRun.toString(), "1", "p9", "0"), "has no prompt 'p9'"),
        Arguments.of(replay(prunedRun.toString(), "1", "p1", "2"), "has no sample 2"),
        Arguments.of(
            replay(prunedRun.toString(), "1", "p1", "0"),
            "iteration 1 cannot be replayed: checkpoint 0 does not exist"
                + " (pruned: checkpoint.keep_every=50); complete ones: [1]"));
  }

  private static String[] replay(String runDir, String iteration, String prompt, String sample) {
    return new String[] {
      "replay",
      "--run-dir",
      runDir,
      "--iteration",
      iteration,
      "--prompt-id",
      prompt,
      "--sample",
      sample
    };
  }

  @ParameterizedTest(name = "orz {0}")
  @MethodSource("mistakes")
  void isOneLineWithUsageStatus(String[] args, String says) {
    OrzCli.Outcome outcome = OrzCli.execute(args);
    assertThat(outcome.status()).as(outcome.err()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(outcome.err())
        .startsWith("orz " + args[0] + ": ")
        .contains(says)
        .doesNotContain("\tat ")
        .hasLineCount(1);
  }
}
