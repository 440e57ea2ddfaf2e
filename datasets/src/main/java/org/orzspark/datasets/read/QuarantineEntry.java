package org.orzspark.datasets.read;

import java.util.Objects;

/**
 * A rejected input record.
 *
 * @param reason why it was rejected
 * @param detail what exactly is wrong, for a person reading the quarantine
 * @param sourceFile the input file
 * @param lineOrIndex 1-based line number for JSON Lines, 0-based element index for JSON arrays,
 *     0-based row number for Parquet
 * @param original the record's original text (its JSON text; a Parquet row as JSON)
 */
public record QuarantineEntry(
    QuarantineReason reason, String detail, String sourceFile, long lineOrIndex, String original) {

  public QuarantineEntry {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(sourceFile, "sourceFile");
    Objects.requireNonNull(original, "original");
    detail = detail == null ? "" : detail;
  }
}
