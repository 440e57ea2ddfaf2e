package org.orzspark.jobs.train;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.orzspark.run.Provenance;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunStore;
import org.orzspark.stages.Iteration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code orz iterate}: exactly one iteration as one Spark application. */
@Command(
    name = "iterate",
    mixinStandardHelpOptions = true,
    description =
        "Run one iteration (sample, rollout, score, experience, update, metrics); resumable.")
public final class IterateCommand implements Callable<Integer> {
  /** Exit status when the update refused a non-finite step (the previous checkpoint stays). */
  public static final int REFUSED_EXIT = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ExistingRunOption run = new ExistingRunOption();

  @Option(
      names = "--iteration",
      description =
          "The iteration expected to run; refused when it is complete or not next (default: the next one).")
  Integer iteration;

  @Override
  public Integer call() throws Exception {
    // A run.json out of range is refused before the application starts, the run left untouched.
    RunStore store = RunStore.open(run.runDir());
    if (store.exists(store.layout().runJson())) {
      RunConfig.read(store);
    }
    // "orz iterate <run> #N": each iteration its own application in the History Server.
    int expected = iteration != null ? iteration : Iteration.expectedNext(store);
    SparkSession spark =
        RunSession.start("orz iterate " + store.layout().name() + " #" + expected, store.layout());
    try {
      // The whole orz command line (from the root command), secrets redacted, into the stage
      // records.
      Provenance provenance =
          Provenance.of("orz", spec.root().commandLine().getParseResult().originalArgs());
      Iteration.run(spark, run.runDir(), iteration, System.out, provenance);
      return 0;
    } catch (Iteration.UpdateRefusedException e) {
      System.err.println("orz iterate: " + e.getMessage());
      return REFUSED_EXIT;
    }
  }
}
