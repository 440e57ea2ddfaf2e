package org.orzspark.jobs;

import picocli.CommandLine.Option;

/**
 * {@code --overwrite}, one for every command that writes an output folder, so that each states the
 * rule of {@link org.orzspark.datasets.io.OrzOutputs} in the same words.
 */
public final class OverwriteOption {

  @Option(
      names = "--overwrite",
      defaultValue = "false",
      description =
          "Replace an existing output folder, but only one orz wrote (with _SUCCESS at its top"
              + " level) or an empty one; any other is refused, exit status 2 (default:"
              + " ${DEFAULT-VALUE}).")
  boolean overwrite;

  /** Whether the command line asked to replace an existing output. */
  public boolean requested() {
    return overwrite;
  }
}
