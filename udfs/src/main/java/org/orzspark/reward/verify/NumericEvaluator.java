package org.orzspark.reward.verify;

import java.util.List;
import java.util.Map;
import org.orzspark.reward.latex.Expr;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Call;
import org.orzspark.reward.latex.Expr.Div;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.Num;
import org.orzspark.reward.latex.Expr.Pow;
import org.orzspark.reward.latex.Expr.Sym;

/**
 * Double-precision evaluation of a scalar tree with symbols bound to given values; NaN when the
 * tree is not a real scalar (text, collections, unknown symbols). Used to compare float answers and
 * to reject unequal symbolic answers cheaply before the CAS is asked. Each node visited spends one
 * unit of the check's {@link WorkBudget}; a binomial is evaluated only when both of its arguments
 * are whole numbers up to {@link #MAX_BINOMIAL_ARGUMENT}, a factorial up to 170! (the largest a
 * double holds), NaN beyond.
 */
public final class NumericEvaluator {
  static final int MAX_BINOMIAL_ARGUMENT = 1_000;

  private final Map<String, Double> symbols;
  private final WorkBudget budget;

  private NumericEvaluator(Map<String, Double> symbols, WorkBudget budget) {
    this.symbols = symbols;
    this.budget = budget;
  }

  /**
   * @param symbols value of each free symbol; {@code pi}, {@code e} and {@code oo} are constants
   */
  public static double evaluate(Expr e, Map<String, Double> symbols, WorkBudget budget) {
    return new NumericEvaluator(symbols, budget).value(e);
  }

  private double value(Expr e) {
    budget.spend(1);
    if (e instanceof Num n) {
      return n.value().doubleValue();
    }
    if (e instanceof Sym s) {
      Double bound = symbols.get(s.name());
      if (bound != null) {
        return bound;
      }
      switch (s.name()) {
        case "pi":
          return Math.PI;
        case "e":
          return Math.E;
        case "oo":
          return Double.POSITIVE_INFINITY;
        default:
          return Double.NaN;
      }
    }
    if (e instanceof Neg neg) {
      return -value(neg.operand());
    }
    if (e instanceof Add add) {
      return fold(add.terms(), true);
    }
    if (e instanceof Mul mul) {
      return fold(mul.factors(), false);
    }
    if (e instanceof Div div) {
      return value(div.numerator()) / value(div.denominator());
    }
    if (e instanceof Pow pow) {
      return Math.pow(value(pow.base()), value(pow.exponent()));
    }
    if (e instanceof Call call) {
      return call(call);
    }
    return Double.NaN;
  }

  private double fold(List<Expr> items, boolean sum) {
    double acc = sum ? 0 : 1;
    for (Expr item : items) {
      double v = value(item);
      acc = sum ? acc + v : acc * v;
    }
    return acc;
  }

  private double call(Call call) {
    double x = value(call.args().get(0));
    double y = call.args().size() > 1 ? value(call.args().get(1)) : Double.NaN;
    switch (call.function()) {
      case "sqrt":
        return Math.sqrt(x);
      case "root":
        return x < 0 && y % 2 == 1 ? -Math.pow(-x, 1 / y) : Math.pow(x, 1 / y);
      case "sin":
        return Math.sin(x);
      case "cos":
        return Math.cos(x);
      case "tan":
        return Math.tan(x);
      case "sec":
        return 1 / Math.cos(x);
      case "csc":
        return 1 / Math.sin(x);
      case "cot":
        return 1 / Math.tan(x);
      case "arcsin":
        return Math.asin(x);
      case "arccos":
        return Math.acos(x);
      case "arctan":
        return Math.atan(x);
      case "sinh":
        return Math.sinh(x);
      case "cosh":
        return Math.cosh(x);
      case "tanh":
        return Math.tanh(x);
      case "ln":
        return Math.log(x);
      case "log":
        return call.args().size() > 1 ? Math.log(x) / Math.log(y) : Math.log(x);
      case "exp":
        return Math.exp(x);
      case "abs":
        return Math.abs(x);
      case "floor":
        return Math.floor(x);
      case "ceil":
        return Math.ceil(x);
      case "factorial":
        return x >= 0 && x == Math.rint(x) && x <= 170 ? factorial((int) x) : Double.NaN;
      case "binom":
        // Both arguments are checked before any loop: k up to 10^10 once ran for minutes.
        return isCount(x) && isCount(y) && y <= x
            ? Math.rint(
                Math.exp(
                    logFactorial((int) x) - logFactorial((int) y) - logFactorial((int) (x - y))))
            : Double.NaN;
      default:
        return Double.NaN;
    }
  }

  /** A whole number in 0..{@link #MAX_BINOMIAL_ARGUMENT}. */
  private static boolean isCount(double v) {
    return v >= 0 && v <= MAX_BINOMIAL_ARGUMENT && v == Math.rint(v);
  }

  private double factorial(int n) {
    budget.spend(n);
    double f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }

  private double logFactorial(int n) {
    budget.spend(n);
    double s = 0;
    for (int i = 2; i <= n; i++) {
      s += Math.log(i);
    }
    return s;
  }
}
