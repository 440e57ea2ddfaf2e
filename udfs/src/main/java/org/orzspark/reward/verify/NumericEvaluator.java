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
 * tree is not a real scalar (text, collections, unknown symbols). Used to compare float answers
 * and to reject unequal symbolic answers cheaply before the CAS is asked.
 */
public final class NumericEvaluator {
  private NumericEvaluator() {}

  /** @param symbols value of each free symbol; {@code pi}, {@code e} and {@code oo} are constants */
  public static double evaluate(Expr e, Map<String, Double> symbols) {
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
      return -evaluate(neg.operand(), symbols);
    }
    if (e instanceof Add add) {
      return fold(add.terms(), symbols, true);
    }
    if (e instanceof Mul mul) {
      return fold(mul.factors(), symbols, false);
    }
    if (e instanceof Div div) {
      return evaluate(div.numerator(), symbols) / evaluate(div.denominator(), symbols);
    }
    if (e instanceof Pow pow) {
      return Math.pow(evaluate(pow.base(), symbols), evaluate(pow.exponent(), symbols));
    }
    if (e instanceof Call call) {
      return call(call, symbols);
    }
    return Double.NaN;
  }

  private static double fold(List<Expr> items, Map<String, Double> symbols, boolean sum) {
    double acc = sum ? 0 : 1;
    for (Expr item : items) {
      double v = evaluate(item, symbols);
      acc = sum ? acc + v : acc * v;
    }
    return acc;
  }

  private static double call(Call call, Map<String, Double> symbols) {
    double x = evaluate(call.args().get(0), symbols);
    double y = call.args().size() > 1 ? evaluate(call.args().get(1), symbols) : Double.NaN;
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
        return x == Math.rint(x) && y == Math.rint(y) && x <= 1000
            ? Math.rint(Math.exp(logFactorial(x) - logFactorial(y) - logFactorial(x - y)))
            : Double.NaN;
      default:
        return Double.NaN;
    }
  }

  private static double factorial(int n) {
    double f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }

  private static double logFactorial(double n) {
    double s = 0;
    for (int i = 2; i <= n; i++) {
      s += Math.log(i);
    }
    return s;
  }
}
