package org.orzspark.jobs.train;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.Replay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orz replay}: regenerates one rollout sample on the driver and compares it. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Regenerate one rollout sample from its recorded checkpoint and seed, re-running its rollout"
          + " task on the driver, and compare it with the recorded tokens.",
      "Prints 'replay: match (N tokens, max |Δ logprob| x)' (exit 0) or"
          + " 'replay: differs at token i' (exit 1)."
    })
public final class ReplayCommand implements Callable<Integer> {
  /** Exit status when the replayed tokens differ from the recorded ones. */
  public static final int DIFFERS_EXIT = 1;

  @Option(
      names = "--run-dir",
      required = true,
      description = "The run directory: a local path or a Hadoop URI.")
  String runDir;

  @Option(names = "--iteration", required = true, description = "The iteration of the sample.")
  int iteration;

  @Option(names = "--prompt-id", required = true, description = "The sample's prompt id.")
  String promptId;

  @Option(names = "--sample", required = true, description = "The sample index within the prompt.")
  int sample;

  @Override
  public Integer call() throws Exception {
    RunLayout run = RunLayout.of(runDir);
    SparkSession spark = RunSession.start("orz replay " + run.name() + " #" + iteration, run);
    Replay.Result result = Replay.run(spark, runDir, iteration, promptId, sample);
    // UTF-8 bytes whatever the locale's charset, so that 'Δ' does not print as '?'.
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println(result.line());
    return result.matches() ? 0 : DIFFERS_EXIT;
  }
}
