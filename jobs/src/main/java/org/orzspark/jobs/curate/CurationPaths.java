package org.orzspark.jobs.curate;

import picocli.CommandLine.Option;

/** The input prompt table and the output folder every curation job takes. */
public final class CurationPaths {
  @Option(
      names = "--input",
      required = true,
      description = "Prompt table (Parquet, as orz prepare writes).")
  String input;

  @Option(names = "--output", required = true, description = "Output folder (any Hadoop path).")
  String output;
}
