package org.orzspark.reward.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.orzspark.reward.latex.Expr;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Interval;
import org.orzspark.reward.latex.Expr.Matrix;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.PlusMinus;
import org.orzspark.reward.latex.Expr.Relation;
import org.orzspark.reward.latex.Expr.SetOf;
import org.orzspark.reward.latex.Expr.Sym;
import org.orzspark.reward.latex.Expr.Union;
import org.orzspark.reward.latex.Exprs;

/**
 * Rewrites a parsed answer into the form the comparison expects:
 *
 * <ul>
 *   <li>{@code a \pm b} becomes the set {a+b, a-b} (at most {@link #MAX_PLUS_MINUS} signs);
 *   <li>an equality chain {@code x = 5+5+1 = 11} keeps its first named side and its last value
 *       ({@code x = 11}); a chain without a name keeps its last link;
 *   <li>{@code a < x < b} (x a name) becomes the interval (a, b) with the matching closedness,
 *       {@code a < |x| < b} the two intervals (-b, -a) and (a, b); with {@code
 *       allowSetRelationComp}, {@code x < b} becomes (-oo, b) and so on;
 *   <li>sums and products of matrices are multiplied out element by element;
 *   <li>a list of assignments in which the first name recurs is split into solutions.
 * </ul>
 */
final class Canonicalizer {
  static final int MAX_PLUS_MINUS = 4;

  private Canonicalizer() {}

  /**
   * The canonical form. The caller has charged one pass over {@code e}; what this builds beyond
   * that (the {@code \pm} variants, matrix products) is charged to {@code budget} here.
   */
  static Expr canonical(Expr e, boolean allowSetRelationComp, WorkBudget budget) {
    List<Expr> variants = expandPlusMinus(e);
    if (variants.size() > 1) {
      budget.spend((long) variants.size() * Exprs.size(e));
      return new SetOf(
          variants.stream().map(v -> relations(v, allowSetRelationComp, budget)).toList());
    }
    return solutions(relations(matrices(variants.get(0), budget), allowSetRelationComp, budget));
  }

  /**
   * {@code p = 5, q = 2, p = 7, q = 2}: a list of assignments in which the first name comes back
   * lists several solutions; it becomes {@code (p=5, q=2), (p=7, q=2)}, the form {@code ;} gives.
   * Lists whose groups would differ in size are left as they are.
   */
  private static Expr solutions(Expr e) {
    if (!(e instanceof SetOf list)
        || list.items().size() < 4
        || !list.items().stream().allMatch(Canonicalizer::isAssignment)) {
      return e;
    }
    Expr firstName = Exprs.equationLeftSide(list.items().get(0)).orElseThrow();
    List<List<Expr>> groups = new ArrayList<>();
    for (Expr item : list.items()) {
      if (Exprs.equationLeftSide(item).orElseThrow().equals(firstName)) {
        groups.add(new ArrayList<>());
      }
      groups.get(groups.size() - 1).add(item);
    }
    int size = groups.get(0).size();
    if (groups.size() < 2 || size < 2 || groups.stream().anyMatch(g -> g.size() != size)) {
      return e;
    }
    return new SetOf(groups.stream().map(g -> (Expr) new Expr.Tuple(List.copyOf(g))).toList());
  }

  private static boolean isAssignment(Expr e) {
    return Exprs.equationLeftSide(e).filter(Exprs::isLabel).isPresent();
  }

  /** All sign choices of the {@code \pm} in a scalar (collections keep their items as they are). */
  static List<Expr> expandPlusMinus(Expr e) {
    if (!containsPlusMinus(e, 0)) {
      return List.of(e);
    }
    List<Expr> out = new ArrayList<>();
    for (int signs = 0; signs < 1 << MAX_PLUS_MINUS; signs++) {
      int[] counter = {0};
      Expr variant = choose(e, signs, counter);
      if (signs < 1 << counter[0]) {
        if (!out.contains(variant)) {
          out.add(variant);
        }
      }
    }
    return out;
  }

  private static boolean containsPlusMinus(Expr e, int depth) {
    if (e instanceof PlusMinus) {
      return true;
    }
    if (e instanceof SetOf || e instanceof Expr.Tuple || depth > 64) {
      return false;
    }
    for (Expr child : Exprs.children(e)) {
      if (containsPlusMinus(child, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  private static Expr choose(Expr e, int signs, int[] counter) {
    if (e instanceof PlusMinus pm) {
      boolean minus = (signs >> Math.min(counter[0]++, MAX_PLUS_MINUS - 1) & 1) == 1;
      Expr right = choose(pm.right(), signs, counter);
      Expr signed = minus ? new Neg(right) : right;
      return pm.left() == null
          ? signed
          : new Add(List.of(choose(pm.left(), signs, counter), signed));
    }
    if (e instanceof Add a) {
      return new Add(a.terms().stream().map(t -> choose(t, signs, counter)).toList());
    }
    if (e instanceof Mul m) {
      return new Mul(m.factors().stream().map(t -> choose(t, signs, counter)).toList());
    }
    if (e instanceof Expr.Div d) {
      return new Expr.Div(
          choose(d.numerator(), signs, counter), choose(d.denominator(), signs, counter));
    }
    if (e instanceof Neg n) {
      return new Neg(choose(n.operand(), signs, counter));
    }
    if (e instanceof Expr.Pow p) {
      return new Expr.Pow(choose(p.base(), signs, counter), choose(p.exponent(), signs, counter));
    }
    if (e instanceof Expr.Call c) {
      return new Expr.Call(
          c.function(), c.args().stream().map(t -> choose(t, signs, counter)).toList());
    }
    if (e instanceof Relation r) {
      return new Relation(
          r.operands().stream().map(t -> choose(t, signs, counter)).toList(), r.operators());
    }
    return e;
  }

  private static Expr relations(Expr e, boolean allowSetRelationComp, WorkBudget budget) {
    if (!(e instanceof Relation r)) {
      return e;
    }
    List<Expr> operands = r.operands();
    List<String> ops = r.operators();
    if (ops.size() >= 2 && ops.stream().allMatch("="::equals)) {
      Expr last = operands.get(operands.size() - 1);
      for (int i = 0; i < operands.size() - 1; i++) {
        if (Exprs.isLabel(operands.get(i))) {
          return new Relation(List.of(operands.get(i), last), List.of("="));
        }
      }
      return new Relation(List.of(operands.get(operands.size() - 2), last), List.of("="));
    }
    boolean ordered = ops.stream().allMatch(o -> o.equals("<") || o.equals("<="));
    if (ordered && ops.size() == 2 && Exprs.isLabel(operands.get(1))) {
      boolean lowClosed = ops.get(0).equals("<=");
      boolean highClosed = ops.get(1).equals("<=");
      if (operands.get(1) instanceof Expr.Call abs
          && abs.function().equals("abs")
          && abs.args().get(0) instanceof Sym) {
        return absoluteValueBand(
            operands.get(0), operands.get(2), lowClosed, highClosed, e, budget);
      }
      return new Interval(operands.get(0), operands.get(2), lowClosed, highClosed);
    }
    if (allowSetRelationComp && ordered && ops.size() == 1) {
      boolean closed = ops.get(0).equals("<=");
      Sym infinity = new Sym("oo");
      if (Exprs.isLabel(operands.get(0))) {
        return new Interval(new Neg(infinity), operands.get(1), false, closed);
      }
      if (Exprs.isLabel(operands.get(1))) {
        return new Interval(operands.get(0), infinity, closed, false);
      }
    }
    return e;
  }

  /**
   * {@code a <= |x| <= b} with a constant {@code a}: for {@code a > 0} (or an open 0) the two
   * intervals {@code [-b,-a] \cup [a,b]}, for {@code a < 0} (or a closed 0) the one interval {@code
   * [-b,b]}. A non-constant {@code a} leaves the relation as it is.
   */
  private static Expr absoluteValueBand(
      Expr low,
      Expr high,
      boolean lowClosed,
      boolean highClosed,
      Expr relation,
      WorkBudget budget) {
    double a = NumericEvaluator.evaluate(low, Map.of(), budget);
    if (Double.isNaN(a)) {
      return relation;
    }
    if (a < 0 || a == 0 && lowClosed) {
      return new Interval(new Neg(high), high, highClosed, highClosed);
    }
    return new Union(
        List.of(
            new Interval(new Neg(high), new Neg(low), highClosed, lowClosed),
            new Interval(low, high, lowClosed, highClosed)));
  }

  /**
   * Sums and products whose operands are all matrices, computed element-wise as trees. A product's
   * entries share their factors' subtrees, so a chain of products can describe trees exponentially
   * larger than its text: the size each entry would have as a tree is charged as it is built.
   */
  private static Expr matrices(Expr e, WorkBudget budget) {
    if (e instanceof Add a && allMatrices(a.terms())) {
      Matrix first = (Matrix) a.terms().get(0);
      List<List<Expr>> rows = new ArrayList<>();
      for (int i = 0; i < first.rows().size(); i++) {
        List<Expr> row = new ArrayList<>();
        for (int j = 0; j < first.rows().get(0).size(); j++) {
          List<Expr> cell = new ArrayList<>();
          for (Expr term : a.terms()) {
            Matrix m = (Matrix) term;
            if (m.rows().size() != first.rows().size()
                || m.rows().get(0).size() != first.rows().get(0).size()) {
              return e;
            }
            cell.add(m.rows().get(i).get(j));
          }
          row.add(new Add(cell));
        }
        rows.add(row);
      }
      budget.spend(Exprs.size(e));
      return new Matrix(rows);
    }
    if (e instanceof Mul m && allMatrices(m.factors())) {
      SizedMatrix acc = SizedMatrix.of((Matrix) m.factors().get(0));
      for (int k = 1; k < m.factors().size(); k++) {
        acc = multiply(acc, SizedMatrix.of((Matrix) m.factors().get(k)), budget);
        if (acc == null) {
          return e;
        }
      }
      return acc.matrix();
    }
    return e;
  }

  /** A matrix with the tree size of each entry (counted as if no subtree were shared). */
  private record SizedMatrix(Matrix matrix, long[][] sizes) {
    static SizedMatrix of(Matrix m) {
      long[][] sizes = new long[m.rows().size()][];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = m.rows().get(i).stream().mapToLong(Exprs::size).toArray();
      }
      return new SizedMatrix(m, sizes);
    }
  }

  private static boolean allMatrices(List<Expr> items) {
    return items.size() > 1 && items.stream().allMatch(Matrix.class::isInstance);
  }

  private static SizedMatrix multiply(SizedMatrix left, SizedMatrix right, WorkBudget budget) {
    Matrix a = left.matrix();
    Matrix b = right.matrix();
    int n = a.rows().size();
    int inner = a.rows().get(0).size();
    int m = b.rows().get(0).size();
    if (b.rows().size() != inner) {
      return null;
    }
    List<List<Expr>> rows = new ArrayList<>();
    long[][] sizes = new long[n][m];
    for (int i = 0; i < n; i++) {
      List<Expr> row = new ArrayList<>();
      for (int j = 0; j < m; j++) {
        List<Expr> terms = new ArrayList<>();
        long size = 1;
        for (int k = 0; k < inner; k++) {
          terms.add(new Mul(List.of(a.rows().get(i).get(k), b.rows().get(k).get(j))));
          size += 1 + left.sizes()[i][k] + right.sizes()[k][j];
        }
        budget.spend(size);
        sizes[i][j] = size;
        row.add(new Add(terms));
      }
      rows.add(row);
    }
    return new SizedMatrix(new Matrix(rows), sizes);
  }
}
