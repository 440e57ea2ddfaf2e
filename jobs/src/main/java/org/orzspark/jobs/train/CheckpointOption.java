package org.orzspark.jobs.train;

import picocli.CommandLine.Option;

/** {@code --checkpoint} of the commands that read one checkpoint of a run. */
public final class CheckpointOption {

  @Option(
      names = "--checkpoint",
      description = "Checkpoint iteration (default: the latest complete one).")
  Integer checkpoint;

  /** The checkpoint asked for, or null for the latest complete one. */
  public Integer iteration() {
    return checkpoint;
  }
}
