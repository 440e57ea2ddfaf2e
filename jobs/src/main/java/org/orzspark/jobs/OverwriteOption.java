package org.orzspark.jobs;

/**
 * The help text of {@code --overwrite}, one for every command that has it, so that each states the
 * rule of {@link org.orzspark.datasets.io.OrzOutputs} in the same words.
 */
public final class OverwriteOption {

  public static final String DESCRIPTION =
      "Replace an existing output folder, but only one orz wrote (with _SUCCESS at its top level) or"
          + " an empty one; any other is refused, exit status 2 (default: ${DEFAULT-VALUE}).";

  private OverwriteOption() {}
}
