package org.orzspark.reward.verify;

import java.math.BigInteger;
import java.util.List;
import org.orzspark.reward.latex.Expr;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Call;
import org.orzspark.reward.latex.Expr.Div;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.Num;
import org.orzspark.reward.latex.Expr.Pow;

/**
 * The fast path: evaluates a tree to an exact {@link Rational} when it is one (integers, decimals,
 * fractions, integer powers, perfect-square roots, small factorials), else returns null. Throws
 * {@link Rational.TooLargeException} for values wider than {@link Rational#MAX_BITS}. Every node
 * and every big-integer operation spends from the check's {@link WorkBudget} (an operation on
 * numbers of a and b 64-bit limbs costs a·b units, the order of schoolbook multiplication and gcd).
 */
public final class ExactEvaluator {
  private static final int MAX_FACTORIAL = 2_000;

  private final WorkBudget budget;

  private ExactEvaluator(WorkBudget budget) {
    this.budget = budget;
  }

  public static Rational evaluate(Expr e, WorkBudget budget) {
    try {
      return new ExactEvaluator(budget).eval(e);
    } catch (Rational.TooLargeException tooLarge) {
      throw tooLarge;
    } catch (ArithmeticException undefined) {
      return null;
    }
  }

  private Rational eval(Expr e) {
    budget.spend(1);
    if (e instanceof Num n) {
      return Rational.of(n.value());
    }
    if (e instanceof Neg neg) {
      Rational r = eval(neg.operand());
      return r == null ? null : r.negate();
    }
    if (e instanceof Add add) {
      return fold(add.terms(), true);
    }
    if (e instanceof Mul mul) {
      return fold(mul.factors(), false);
    }
    if (e instanceof Div div) {
      Rational a = eval(div.numerator());
      Rational b = a == null ? null : eval(div.denominator());
      if (b == null) {
        return null;
      }
      spend(a, b);
      return a.divide(b);
    }
    if (e instanceof Pow pow) {
      return power(pow);
    }
    if (e instanceof Call call) {
      return call(call);
    }
    return null;
  }

  private Rational fold(List<Expr> items, boolean sum) {
    Rational acc = sum ? Rational.ZERO : Rational.ONE;
    for (Expr item : items) {
      Rational r = eval(item);
      if (r == null) {
        return null;
      }
      spend(acc, r);
      acc = sum ? acc.add(r) : acc.multiply(r);
    }
    return acc;
  }

  private Rational power(Pow pow) {
    Rational exponent = eval(pow.exponent());
    if (exponent == null) {
      return null;
    }
    Rational base = eval(pow.base());
    if (base == null) {
      return null;
    }
    if (exponent.isInteger()) {
      Rational power = base.pow(exponent.num());
      spend(power, power);
      return power;
    }
    // base^(p/q) is rational only when base is a perfect q-th power.
    if (exponent.den().bitLength() > 8) {
      return null;
    }
    spend(base, base);
    Rational root = exactRoot(base, exponent.den().intValue());
    if (root == null) {
      return null;
    }
    Rational power = root.pow(exponent.num());
    spend(power, power);
    return power;
  }

  private Rational call(Call call) {
    List<Expr> args = call.args();
    Rational x = eval(args.get(0));
    if (x == null) {
      return null;
    }
    switch (call.function()) {
      case "sqrt":
        spend(x, x);
        return exactRoot(x, 2);
      case "root":
        {
          Rational n = eval(args.get(1));
          if (n == null || !n.isInteger() || n.signum() <= 0 || n.num().bitLength() >= 8) {
            return null;
          }
          spend(x, x);
          return exactRoot(x, n.num().intValue());
        }
      case "abs":
        return x.signum() < 0 ? x.negate() : x;
      case "floor":
        return Rational.of(floor(x), BigInteger.ONE);
      case "ceil":
        return Rational.of(floor(x.negate()).negate(), BigInteger.ONE);
      case "factorial":
        return factorial(x);
      case "binom":
        {
          Rational k = eval(args.get(1));
          return k == null ? null : binomial(x, k);
        }
      default:
        return null;
    }
  }

  /** Charges one operation on {@code a} and {@code b}: the product of their sizes in limbs. */
  private void spend(Rational a, Rational b) {
    budget.spend(limbs(a) * limbs(b));
  }

  private static long limbs(Rational r) {
    return Math.max(limbs(r.num()), limbs(r.den()));
  }

  private static long limbs(BigInteger n) {
    return (n.bitLength() >> 6) + 1;
  }

  private static BigInteger floor(Rational x) {
    BigInteger[] qr = x.num().divideAndRemainder(x.den());
    return x.signum() < 0 && qr[1].signum() != 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }

  private Rational factorial(Rational x) {
    if (!x.isInteger()
        || x.signum() < 0
        || x.num().compareTo(BigInteger.valueOf(MAX_FACTORIAL)) > 0) {
      return null;
    }
    BigInteger f = BigInteger.ONE;
    for (int i = 2; i <= x.num().intValue(); i++) {
      budget.spend(limbs(f));
      f = f.multiply(BigInteger.valueOf(i));
    }
    return Rational.of(f, BigInteger.ONE);
  }

  private Rational binomial(Rational n, Rational k) {
    if (!n.isInteger()
        || !k.isInteger()
        || n.signum() < 0
        || k.signum() < 0
        || k.num().compareTo(n.num()) > 0
        || n.num().bitLength() > 12) {
      return null;
    }
    int nn = n.num().intValue();
    int kk = Math.min(k.num().intValue(), nn - k.num().intValue());
    BigInteger r = BigInteger.ONE;
    for (int i = 1; i <= kk; i++) {
      budget.spend(2 * limbs(r));
      r = r.multiply(BigInteger.valueOf(nn - kk + i)).divide(BigInteger.valueOf(i));
    }
    return Rational.of(r, BigInteger.ONE);
  }

  /**
   * The exact q-th root of x when x is a perfect q-th power (negative x only for odd q), else null.
   */
  static Rational exactRoot(Rational x, int q) {
    if (q <= 0) {
      return null;
    }
    if (x.signum() < 0) {
      if (q % 2 == 0) {
        return null;
      }
      Rational r = exactRoot(x.negate(), q);
      return r == null ? null : r.negate();
    }
    BigInteger a = integerRoot(x.num(), q);
    BigInteger b = a == null ? null : integerRoot(x.den(), q);
    return b == null ? null : Rational.of(a, b);
  }

  private static BigInteger integerRoot(BigInteger n, int q) {
    if (n.signum() == 0 || n.equals(BigInteger.ONE)) {
      return n;
    }
    BigInteger r =
        q == 2 ? n.sqrt() : BigInteger.valueOf(Math.round(Math.pow(n.doubleValue(), 1.0 / q)));
    for (BigInteger candidate :
        new BigInteger[] {r, r.add(BigInteger.ONE), r.subtract(BigInteger.ONE)}) {
      if (candidate.signum() >= 0 && candidate.pow(q).equals(n)) {
        return candidate;
      }
    }
    return null;
  }
}
