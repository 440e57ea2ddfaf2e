package org.orzspark.reward.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.matheclipse.core.expression.F;
import org.matheclipse.core.expression.S;
import org.matheclipse.core.interfaces.IExpr;
import org.matheclipse.core.interfaces.ISymbol;
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
 * Builds Symja expressions from the project's trees with Symja's typed builders ({@code F.Plus},
 * {@code F.Sin}, ...), one builder per allow-listed node kind and function. Model text never goes
 * through Symja's own parser, so no Symja function outside this list (file or network access
 * included) can be reached. Symbols become engine-local dummies named after the answer's symbols.
 */
final class SymjaBridge {
  private SymjaBridge() {}

  /** The tree is outside the allow-list (text, collections, relations). */
  static final class UnsupportedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsupportedException(String what) {
      super(what, null, false, false);
    }
  }

  static IExpr toSymja(Expr e, Map<String, ISymbol> symbols) {
    if (e instanceof Num n) {
      Rational r = Rational.of(n.value());
      return r.isInteger() ? F.ZZ(r.num()) : F.QQ(F.ZZ(r.num()), F.ZZ(r.den()));
    }
    if (e instanceof Sym s) {
      switch (s.name()) {
        case "pi":
          return S.Pi;
        case "e":
          return S.E;
        case "oo":
          return S.Infinity;
        default:
          return symbols.computeIfAbsent(s.name(), name -> F.Dummy("v" + symbols.size()));
      }
    }
    if (e instanceof Neg neg) {
      return F.Negate(toSymja(neg.operand(), symbols));
    }
    if (e instanceof Add add) {
      return F.Plus(all(add.terms(), symbols));
    }
    if (e instanceof Mul mul) {
      return F.Times(all(mul.factors(), symbols));
    }
    if (e instanceof Div div) {
      return F.Times(
          toSymja(div.numerator(), symbols), F.Power(toSymja(div.denominator(), symbols), F.CN1));
    }
    if (e instanceof Pow pow) {
      return F.Power(toSymja(pow.base(), symbols), toSymja(pow.exponent(), symbols));
    }
    if (e instanceof Call call) {
      return function(call, symbols);
    }
    throw new UnsupportedException(e.getClass().getSimpleName());
  }

  private static IExpr[] all(List<Expr> items, Map<String, ISymbol> symbols) {
    List<IExpr> out = new ArrayList<>(items.size());
    for (Expr item : items) {
      out.add(toSymja(item, symbols));
    }
    return out.toArray(new IExpr[0]);
  }

  private static IExpr function(Call call, Map<String, ISymbol> symbols) {
    IExpr x = toSymja(call.args().get(0), symbols);
    IExpr y = call.args().size() > 1 ? toSymja(call.args().get(1), symbols) : null;
    switch (call.function()) {
      case "sqrt":
        return F.Sqrt(x);
      case "root":
        return F.Power(x, F.Power(y, F.CN1));
      case "sin":
        return F.Sin(x);
      case "cos":
        return F.Cos(x);
      case "tan":
        return F.Tan(x);
      case "sec":
        return F.Sec(x);
      case "csc":
        return F.Csc(x);
      case "cot":
        return F.Cot(x);
      case "arcsin":
        return F.ArcSin(x);
      case "arccos":
        return F.ArcCos(x);
      case "arctan":
        return F.ArcTan(x);
      case "sinh":
        return F.Sinh(x);
      case "cosh":
        return F.Cosh(x);
      case "tanh":
        return F.Tanh(x);
      case "ln":
        return F.Log(x);
      case "log":
        return y == null ? F.Log(x) : F.Log(y, x);
      case "exp":
        return F.Exp(x);
      case "abs":
        return F.Abs(x);
      case "floor":
        return F.Floor(x);
      case "ceil":
        return F.Ceiling(x);
      case "factorial":
        return F.Factorial(x);
      case "binom":
        return F.Binomial(x, y);
      case "sum":
      case "prod":
        {
          IExpr bounds =
              F.List(y, toSymja(call.args().get(2), symbols), toSymja(call.args().get(3), symbols));
          return call.function().equals("sum") ? F.Sum(x, bounds) : F.Product(x, bounds);
        }
      default:
        throw new UnsupportedException(call.function());
    }
  }
}
