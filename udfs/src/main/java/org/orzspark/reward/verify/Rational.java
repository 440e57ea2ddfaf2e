package org.orzspark.reward.verify;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * An exact rational number {@code num/den} in lowest terms with {@code den > 0}. Every operation
 * refuses results wider than {@link #MAX_BITS} bits ({@link TooLargeException}) so hostile answers
 * such as {@code 10^{10^{10}}} cost nothing.
 */
public record Rational(BigInteger num, BigInteger den) {
  public static final int MAX_BITS = 20_000;
  public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
  public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

  /** The exact value would exceed {@link #MAX_BITS}. */
  public static final class TooLargeException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super("number wider than " + MAX_BITS + " bits");
    }
  }

  public static Rational of(BigInteger num, BigInteger den) {
    if (den.signum() == 0) {
      throw new ArithmeticException("division by zero");
    }
    if (num.bitLength() > MAX_BITS || den.bitLength() > MAX_BITS) {
      throw new TooLargeException();
    }
    BigInteger g = num.gcd(den);
    if (den.signum() < 0) {
      g = g.negate();
    }
    return g.equals(BigInteger.ONE)
        ? new Rational(num, den)
        : new Rational(num.divide(g), den.divide(g));
  }

  public static Rational of(BigDecimal decimal) {
    if (decimal.precision() > MAX_BITS / 4 || Math.abs(decimal.scale()) > MAX_BITS / 4) {
      throw new TooLargeException();
    }
    return decimal.scale() <= 0
        ? of(decimal.toBigIntegerExact(), BigInteger.ONE)
        : of(decimal.unscaledValue(), BigInteger.TEN.pow(decimal.scale()));
  }

  public Rational add(Rational o) {
    return of(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
  }

  public Rational negate() {
    return new Rational(num.negate(), den);
  }

  public Rational multiply(Rational o) {
    return of(num.multiply(o.num), den.multiply(o.den));
  }

  public Rational divide(Rational o) {
    return of(num.multiply(o.den), den.multiply(o.num));
  }

  /**
   * {@code this^exponent} for an integer exponent, refusing results wider than {@link #MAX_BITS}.
   */
  public Rational pow(BigInteger exponent) {
    long bits = Math.max(num.bitLength(), den.bitLength());
    if (exponent.bitLength() > 31 || bits * Math.abs(exponent.longValue()) > MAX_BITS) {
      if (num.abs().equals(BigInteger.ONE) && den.equals(BigInteger.ONE)) {
        return num.signum() > 0 || !exponent.testBit(0) ? ONE : ONE.negate();
      }
      if (num.signum() == 0 && exponent.signum() > 0) {
        return ZERO;
      }
      throw new TooLargeException();
    }
    int e = exponent.intValue();
    Rational r = of(num.pow(Math.abs(e)), den.pow(Math.abs(e)));
    return e >= 0 ? r : ONE.divide(r);
  }

  public boolean isInteger() {
    return den.equals(BigInteger.ONE);
  }

  public int signum() {
    return num.signum();
  }

  /** Rounded to {@code places} decimal places, half up (how float answers are compared). */
  public BigDecimal round(int places) {
    return new BigDecimal(num).divide(new BigDecimal(den), places, RoundingMode.HALF_UP);
  }

  @Override
  public String toString() {
    return isInteger() ? num.toString() : num + "/" + den;
  }
}
