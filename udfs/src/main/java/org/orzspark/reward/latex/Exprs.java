package org.orzspark.reward.latex;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Call;
import org.orzspark.reward.latex.Expr.Div;
import org.orzspark.reward.latex.Expr.Interval;
import org.orzspark.reward.latex.Expr.Matrix;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.Num;
import org.orzspark.reward.latex.Expr.PlusMinus;
import org.orzspark.reward.latex.Expr.Pow;
import org.orzspark.reward.latex.Expr.Ratio;
import org.orzspark.reward.latex.Expr.Relation;
import org.orzspark.reward.latex.Expr.SetOf;
import org.orzspark.reward.latex.Expr.Sym;
import org.orzspark.reward.latex.Expr.Tuple;
import org.orzspark.reward.latex.Expr.Union;

/** Read-only queries over {@link Expr} trees. */
public final class Exprs {
  /** Symbols that name constants rather than variables. */
  public static final Set<String> CONSTANTS = Set.of("pi", "e", "oo");

  private Exprs() {}

  /** The direct children of a node, in order. */
  public static List<Expr> children(Expr e) {
    if (e instanceof Add a) {
      return a.terms();
    }
    if (e instanceof Mul m) {
      return m.factors();
    }
    if (e instanceof Div d) {
      return List.of(d.numerator(), d.denominator());
    }
    if (e instanceof Neg n) {
      return List.of(n.operand());
    }
    if (e instanceof Pow p) {
      return List.of(p.base(), p.exponent());
    }
    if (e instanceof PlusMinus pm) {
      return pm.left() == null ? List.of(pm.right()) : List.of(pm.left(), pm.right());
    }
    if (e instanceof Call c) {
      return c.args();
    }
    if (e instanceof Ratio r) {
      return List.of(r.left(), r.right());
    }
    if (e instanceof Tuple t) {
      return t.items();
    }
    if (e instanceof SetOf s) {
      return s.items();
    }
    if (e instanceof Interval i) {
      return List.of(i.low(), i.high());
    }
    if (e instanceof Union u) {
      return u.parts();
    }
    if (e instanceof Matrix m) {
      return m.rows().stream().flatMap(List::stream).toList();
    }
    if (e instanceof Relation r) {
      return r.operands();
    }
    return List.of();
  }

  /** Whether a decimal literal occurs (such answers compare rounded to the configured places). */
  public static boolean hasFloat(Expr e) {
    if (e instanceof Num n) {
      return n.isFloat();
    }
    for (Expr child : children(e)) {
      if (hasFloat(child)) {
        return true;
      }
    }
    return false;
  }

  /** Free variable names (constants excluded), sorted. */
  public static Set<String> freeSymbols(Expr e) {
    Set<String> out = new TreeSet<>();
    collectSymbols(e, out);
    return out;
  }

  private static void collectSymbols(Expr e, Set<String> out) {
    if (e instanceof Sym s && !CONSTANTS.contains(s.name())) {
      out.add(s.name());
    }
    for (Expr child : children(e)) {
      collectSymbols(child, out);
    }
  }

  public static int size(Expr e) {
    int n = 1;
    for (Expr child : children(e)) {
      n += size(child);
    }
    return n;
  }

  /** Whether any integer literal has more than {@code digits} digits. */
  public static boolean hasLiteralLongerThan(Expr e, int digits) {
    if (e instanceof Num n) {
      return n.value().precision() > digits;
    }
    for (Expr child : children(e)) {
      if (hasLiteralLongerThan(child, digits)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The left side of a single equation {@code left = right} (not a chain, not another relation), or
   * empty.
   */
  public static Optional<Expr> equationLeftSide(Expr e) {
    return e instanceof Relation r && r.operators().size() == 1 && r.operators().get(0).equals("=")
        ? Optional.of(r.operands().get(0))
        : Optional.empty();
  }

  /**
   * Whether a term only names something (a variable, {@code f(x)}, {@code |AB|}, {@code NO/BO},
   * {@code V_1:V_2}, {@code (p,q)}): the left side of an answer such as {@code k=1}.
   */
  public static boolean isLabel(Expr e) {
    if (e instanceof Sym s) {
      return !CONSTANTS.contains(s.name());
    }
    if (e instanceof Mul || e instanceof Div || e instanceof Ratio || e instanceof Tuple) {
      return children(e).stream().allMatch(Exprs::isLabel);
    }
    if (e instanceof Call c) {
      return c.function().equals("abs") && isLabel(c.args().get(0));
    }
    return false;
  }
}
