package org.orzspark.datasets.read;

import java.util.List;

/**
 * What a reader made of one input: every record is either parsed or quarantined, so {@code
 * parsed.size() + quarantined.size()} is the number of records read.
 */
public record ReadResult(List<ParsedPrompt> parsed, List<QuarantineEntry> quarantined) {

  public ReadResult {
    parsed = List.copyOf(parsed);
    quarantined = List.copyOf(quarantined);
  }

  public int recordsRead() {
    return parsed.size() + quarantined.size();
  }
}
