package org.orzspark.datasets.synth;

/** An exact rational in lowest terms with a positive denominator (small values only: long math). */
record Fraction(long num, long den) {

  Fraction {
    if (den == 0) {
      throw new ArithmeticException("zero denominator");
    }
    long g = gcd(Math.abs(num), Math.abs(den));
    long sign = den < 0 ? -1 : 1;
    num = sign * num / g;
    den = sign * den / g;
  }

  static Fraction of(long num, long den) {
    return new Fraction(num, den);
  }

  static long gcd(long a, long b) {
    return b == 0 ? Math.max(a, 1) : gcd(b, a % b);
  }

  static long lcm(long a, long b) {
    return a / gcd(a, b) * b;
  }

  Fraction plus(Fraction o) {
    return of(
        Math.addExact(Math.multiplyExact(num, o.den), Math.multiplyExact(o.num, den)),
        Math.multiplyExact(den, o.den));
  }

  Fraction negate() {
    return of(-num, den);
  }

  Fraction times(Fraction o) {
    return of(Math.multiplyExact(num, o.num), Math.multiplyExact(den, o.den));
  }

  Fraction reciprocal() {
    return of(den, num);
  }

  /** {@code 3/4}, {@code -2/5}, or {@code 7} when the denominator is 1: the answer format. */
  @Override
  public String toString() {
    return den == 1 ? Long.toString(num) : num + "/" + den;
  }
}
