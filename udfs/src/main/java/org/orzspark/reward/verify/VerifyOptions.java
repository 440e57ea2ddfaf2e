package org.orzspark.reward.verify;

/**
 * How two parsed answers are compared.
 *
 * @param precision decimal places to which answers containing a decimal literal are rounded before
 *     comparison (Math-Verify's {@code float_rounding}, default 6)
 * @param strict when false, variable names may differ ({@code f(x)} equals {@code f(y)})
 * @param allowSetRelationComp when true, a one-sided inequality {@code x < 3} equals the interval
 *     {@code (-\infty, 3)}
 * @param timeoutMillis the last-resort wall-clock net of one whole check (parse, fast path and
 *     CAS); answers are decided by the check's {@link WorkBudget}, and the default net is over ten
 *     times the worst cost measured on the {@link AdversarialCorpus}, so load does not decide them
 */
public record VerifyOptions(
    int precision, boolean strict, boolean allowSetRelationComp, long timeoutMillis)
    implements java.io.Serializable {
  public static final int PRECISION_DEFAULT = 6;
  public static final long TIMEOUT_MILLIS_DEFAULT = 30_000;
  public static final VerifyOptions DEFAULTS =
      new VerifyOptions(PRECISION_DEFAULT, true, false, TIMEOUT_MILLIS_DEFAULT);

  public VerifyOptions {
    if (precision < 0 || precision > 50) {
      throw new IllegalArgumentException("precision must be 0..50, got " + precision);
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be positive, got " + timeoutMillis);
    }
  }

  public VerifyOptions withPrecision(int places) {
    return new VerifyOptions(places, strict, allowSetRelationComp, timeoutMillis);
  }

  public VerifyOptions withStrict(boolean value) {
    return new VerifyOptions(precision, value, allowSetRelationComp, timeoutMillis);
  }

  public VerifyOptions withAllowSetRelationComp(boolean value) {
    return new VerifyOptions(precision, strict, value, timeoutMillis);
  }

  public VerifyOptions withTimeoutMillis(long millis) {
    return new VerifyOptions(precision, strict, allowSetRelationComp, millis);
  }
}
