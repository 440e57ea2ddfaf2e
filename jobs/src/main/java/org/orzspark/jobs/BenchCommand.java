package org.orzspark.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code orz bench <what>}: benchmarks that print figures (throughput, latency, utilisation). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print measured figures (throughput, latency, utilisation).",
    subcommands = {
      BenchRolloutCommand.class,
      org.orzspark.jobs.train.BenchIterationCommand.class,
      PpoBenchCommand.class,
      BenchUpdateCommand.class,
      BenchVerifyCommand.class,
      org.orzspark.jobs.curate.BenchCurateCommand.class,
    })
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
