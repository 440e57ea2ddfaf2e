package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.OrzCli;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.Provenance;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.MicroRuns;
import org.orzspark.stages.RunInitializer;
import org.orzspark.stages.StageRecord;
import org.orzspark.testing.SharedSpark;

/**
 * {@code orz iterate} records its own command line in the stage records, and {@code orz replay}
 * regenerates one of its samples: the line it prints and its exit status.
 */
class ReplayCommandTest {

  @Test
  void iterateRecordsItsCommandLineAndReplayPrintsAMatch(@TempDir Path dir) throws IOException {
    SparkSession spark = SharedSpark.session();
    Path base = MicroRuns.base(dir.resolve("base"));
    Path prompts = MicroRuns.prompts(spark, dir.resolve("prompts"), 8);
    Path run = dir.resolve("run");
    RunInitializer.init(spark, run.toString(), MicroRuns.config(base, prompts, Map.of()));

    OrzCli.Outcome iterate = OrzCli.execute("iterate", "--run-dir", run.toString());
    assertThat(iterate.status()).as(iterate.err()).isZero();
    RunLayout layout = new RunLayout(run);
    Provenance provenance =
        StageRecord.fromJson(
                Files.readAllBytes(LocalRuns.local(layout.rollouts(1)).resolve(StageRecord.FILE)))
            .provenance();
    assertThat(provenance.commandLine()).isEqualTo("orz iterate --run-dir " + run);

    Row row =
        spark
            .read()
            .parquet(layout.rollouts(1).toString())
            .orderBy(RolloutTable.PROMPT_ID, RolloutTable.SAMPLE_INDEX)
            .first();
    PrintStream console = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OrzCli.Outcome replay;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      replay =
          OrzCli.execute(
              "replay",
              "--run-dir",
              run.toString(),
              "--iteration",
              "1",
              "--prompt-id",
              row.getAs(RolloutTable.PROMPT_ID),
              "--sample",
              String.valueOf(row.<Integer>getAs(RolloutTable.SAMPLE_INDEX)));
    } finally {
      System.setOut(console);
    }
    assertThat(replay.status()).as(replay.err()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            String.format(
                "replay: match (%d tokens, max |Δ logprob| 0.00)%n",
                row.<Integer>getAs(RolloutTable.RESPONSE_LENGTH)));
  }
}
