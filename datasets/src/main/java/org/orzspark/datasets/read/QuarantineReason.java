package org.orzspark.datasets.read;

import java.util.Locale;

/** Why an input record was not accepted into a prompt set. */
public enum QuarantineReason {
  /** Not parseable as JSON (syntax error, truncated file, duplicate key). */
  MALFORMED_JSON,
  /**
   * Valid JSON of the wrong shape: a field has the wrong type, an unexpected role or turn count.
   */
  WRONG_SHAPE,
  /** A required field (question or answer) is absent or null. */
  MISSING_FIELD,
  EMPTY_QUESTION,
  EMPTY_ANSWER,
  /**
   * A JSON escape meant for LaTeX was decoded as a control character: {@code \f}rac became a form
   * feed followed by {@code rac}, {@code \t}imes a tab followed by {@code imes}.
   */
  BROKEN_ESCAPE,
  /**
   * A control character other than tab, line feed or carriage return, U+FFFD (undecodable bytes),
   * or an unpaired surrogate (which UTF-8 cannot represent).
   */
  INVALID_CHARACTER,
  /** Question, answer or a choice longer than the configured limit. */
  OVERSIZE,
  /**
   * The same {@code prompt_id} (normalised question) as an earlier record; the first one is kept.
   */
  DUPLICATE_ID,
  /** A Parquet row whose {@code prompt_id} is not the id of its question. */
  ID_MISMATCH;

  /** The lower-case name written to the quarantine table and the summary. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
