package org.orzspark.jobs.train;

import picocli.CommandLine.Option;

/** {@code --run-dir} of the commands that continue a run {@code orz init} made. */
public final class ExistingRunOption {

  @Option(
      names = "--run-dir",
      required = true,
      description = "The run directory (made by 'orz init'): a local path or a Hadoop URI.")
  String runDir;

  public String runDir() {
    return runDir;
  }
}
