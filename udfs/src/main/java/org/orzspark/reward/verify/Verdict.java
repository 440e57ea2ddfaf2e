package org.orzspark.reward.verify;

/**
 * The result of one check: {@code equal}, and when it is false for a technical cause rather than a
 * mathematical one, a reason code (otherwise null).
 */
public record Verdict(boolean equal, String reason) {
  /** No answer could be extracted from the prediction. */
  public static final String NO_ANSWER = "no-answer";

  /** No answer could be extracted from the gold string. */
  public static final String NO_GOLD = "no-gold";

  /** An answer (gold or prediction) is not LaTeX the parser understands. */
  public static final String PARSE_ERROR = "parse-error";

  /**
   * The wall-clock net fired (far above any input's measured cost: a sign of an overloaded host).
   */
  public static final String TIMEOUT = "timeout";

  /**
   * Input longer than the size limits, numbers wider than the arithmetic limits, a CAS question
   * refused by its size checks, or a comparison that spent its whole {@link WorkBudget}.
   */
  public static final String TOO_LARGE = "too-large";

  /** A malformed request (e.g. a JSONL line that is not an object with gold and pred). */
  public static final String BAD_INPUT = "bad-input";

  /** An unexpected failure inside the verifier (reported, never thrown). */
  public static final String INTERNAL_ERROR = "internal-error";

  public static final Verdict EQUAL = new Verdict(true, null);
  public static final Verdict NOT_EQUAL = new Verdict(false, null);

  public static Verdict failed(String reason) {
    return new Verdict(false, reason);
  }
}
