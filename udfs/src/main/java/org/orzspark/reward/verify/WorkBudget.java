package org.orzspark.reward.verify;

/**
 * The work one check may do, counted in units of roughly one tree node visited or one 64-bit limb
 * of big-integer arithmetic. Every loop whose length grows with its input spends from it, so a
 * check's answer depends only on its input: the same pair spends the same units on an idle laptop
 * and on a loaded executor, and runs out at the same point on both. Running out is the verdict
 * {@code too-large}, never {@code timeout} (the wall clock is only a last-resort net above this).
 *
 * <p>Not thread-safe: one instance serves one check on one thread.
 */
public final class WorkBudget {
  /**
   * Units per check: about 0.1 to 0.3 s of work on one core here, two orders of magnitude above
   * what any answer of the MATH500 and Math-Verify corpora spends (see {@code orz bench verify}).
   */
  public static final long DEFAULT_UNITS = 20_000_000L;

  /**
   * What one CAS question costs: Symja's loops are not ours to count, so a question is charged a
   * fixed share, which caps the questions per check at 16 (each one bounded by Symja's own
   * iteration and recursion limits and by the size checks before it). Probing settles most
   * comparisons, so an answer needs the CAS about once per item that only it can prove equal.
   */
  static final long CAS_QUESTION_UNITS = DEFAULT_UNITS / 16;

  /** The budget ran out: the verdict is {@code too-large}. No stack trace: it is an answer. */
  public static final class ExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExhaustedException(long limit) {
      super("work budget of " + limit + " units spent", null, false, false);
    }
  }

  private final long limit;
  private long spent;

  public WorkBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("work budget must be positive, got " + limit);
    }
    this.limit = limit;
  }

  public static WorkBudget standard() {
    return new WorkBudget(DEFAULT_UNITS);
  }

  /** Spends {@code units} (non-negative), throwing {@link ExhaustedException} past the limit. */
  public void spend(long units) {
    spent += units;
    if (spent > limit || spent < 0) {
      throw new ExhaustedException(limit);
    }
  }

  /** Units spent so far. */
  public long spent() {
    return spent;
  }
}
