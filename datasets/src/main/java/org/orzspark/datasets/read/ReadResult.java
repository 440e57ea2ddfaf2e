package org.orzspark.datasets.read;

import java.util.ArrayList;
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

  /** Both results, this one's records first. */
  public ReadResult plus(ReadResult other) {
    List<ParsedPrompt> p = new ArrayList<>(parsed);
    p.addAll(other.parsed);
    List<QuarantineEntry> q = new ArrayList<>(quarantined);
    q.addAll(other.quarantined);
    return new ReadResult(p, q);
  }
}
