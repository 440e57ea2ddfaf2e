package org.orzspark.datasets.read;

import org.orzspark.datasets.PromptRecord;

/**
 * A record that parsed into a prompt but is not validated yet ({@link PromptValidator}).
 *
 * @param record the prompt as read, fields exactly as in the input
 * @param sourceFile the input file
 * @param lineOrIndex see {@link QuarantineEntry#lineOrIndex()}
 * @param original the record's original text
 */
public record ParsedPrompt(
    PromptRecord record, String sourceFile, long lineOrIndex, String original) {

  QuarantineEntry quarantine(QuarantineReason reason, String detail) {
    return new QuarantineEntry(reason, detail, sourceFile, lineOrIndex, original);
  }
}
