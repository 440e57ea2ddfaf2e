package org.orzspark.jobs.curate;

import org.orzspark.datasets.curate.NgramNearDuplicates;
import org.orzspark.datasets.curate.Shingler;
import picocli.CommandLine.Option;

/** The n-gram MinHash near-duplicate settings, shared by {@code curate dedup} and its benchmark. */
public final class MinHashOptions {
  @Option(
      names = "--ngram",
      defaultValue = "5",
      description = "Shingle size (default: ${DEFAULT-VALUE}).")
  int ngram;

  @Option(
      names = "--shingle",
      defaultValue = "char",
      description = "Shingle unit: char or word (default: ${DEFAULT-VALUE}).")
  String shingle;

  @Option(
      names = "--threshold",
      defaultValue = "0.8",
      description =
          "Jaccard similarity of shingle sets at or above which prompts are near-duplicates"
              + " (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(
      names = "--bands",
      defaultValue = "20",
      description = "MinHash LSH bands (default: ${DEFAULT-VALUE}).")
  int bands;

  @Option(
      names = "--rows",
      defaultValue = "5",
      description = "Min-hashes per LSH band (default: ${DEFAULT-VALUE}).")
  int rows;

  NgramNearDuplicates.Settings settings(long seed) {
    return new NgramNearDuplicates.Settings(
        ngram, Shingler.Unit.parse(shingle), threshold, bands, rows, seed);
  }
}
