package org.orzspark.reward.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.orzspark.reward.latex.Expr;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Interval;
import org.orzspark.reward.latex.Expr.Matrix;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.Ratio;
import org.orzspark.reward.latex.Expr.Relation;
import org.orzspark.reward.latex.Expr.SetOf;
import org.orzspark.reward.latex.Expr.Sym;
import org.orzspark.reward.latex.Expr.Text;
import org.orzspark.reward.latex.Expr.Tuple;
import org.orzspark.reward.latex.Expr.Union;
import org.orzspark.reward.latex.Exprs;

/**
 * Mathematical equality of two parsed answers, gold first (not symmetric: a named answer {@code
 * k=1} on either side matches the bare value {@code 1}). One instance serves one check and
 * remembers why it had to give up ({@link #technicalReason()}), e.g. when the deadline passed.
 *
 * <p>Order of the tests, cheapest first: canonical form ({@link Canonicalizer}); collections
 * element by element (sets and answer lists unordered, tuples/intervals/matrices ordered);
 * relations up to a constant factor; scalars by exact rational value, then rounded decimals when a
 * float literal is involved, then numeric probing at fixed points (a mismatch proves inequality),
 * and only then the CAS ({@link Cas}) to prove symbolic identity.
 */
public final class Equivalence {
  private static final int MAX_ITEMS = 64;
  private static final int MAX_CAS_NODES = 400;
  private static final int MAX_CAS_DIGITS = 40;
  private static final int MAX_CAS_EXPONENT = 1_000;
  private static final int MAX_CAS_FACTORIAL = 1_000;

  /**
   * (x+y+z+1)^60 expands to tens of thousands of terms: sums with variables get small powers only.
   */
  private static final int MAX_CAS_EXPANDED_POWER = 16;

  private static final int MAX_CAS_SYMBOLIC_SUM_TERMS = 32;

  /**
   * sin^1000 x + cos^1000 x is about 0 at every probe point, so probing cannot tell it from a
   * neighbour, and Symja's trigonometric rewriting of it ran past two minutes.
   */
  private static final int MAX_CAS_FUNCTION_POWER = 64;

  private static final int TREE_PASSES = 8;
  private static final double[] PROBES = {
    0.5772156649, 1.3247179572, 2.7182818284 / 2, 0.9189385332, 1.6180339887
  };

  private final VerifyOptions options;
  private final WorkBudget budget;
  private long deadlineNanos;
  private String technicalReason;

  /**
   * @param budget the check's work allowance; running out throws {@link
   *     WorkBudget.ExhaustedException} out of {@link #equal}
   * @param deadlineNanos the last-resort wall-clock net ({@link System#nanoTime()} scale)
   */
  public Equivalence(VerifyOptions options, WorkBudget budget, long deadlineNanos) {
    this.options = options;
    this.budget = budget;
    this.deadlineNanos = deadlineNanos;
  }

  /** Why the last comparisons could not decide (timeout, too-large), or null. */
  public String technicalReason() {
    return technicalReason;
  }

  public boolean equal(Expr gold, Expr pred) {
    if (System.nanoTime() > deadlineNanos) {
      technicalReason = Verdict.TIMEOUT;
      return false;
    }
    // Canonicalising and the symbol and literal scans below each walk the trees a few times.
    budget.spend(TREE_PASSES * ((long) Exprs.size(gold) + Exprs.size(pred)));
    Expr g = Canonicalizer.canonical(gold, options.allowSetRelationComp(), budget);
    Expr p = Canonicalizer.canonical(pred, options.allowSetRelationComp(), budget);
    if (g.equals(p)) {
      return true;
    }
    // Membership is only unwrapped on the prediction side unless set/relation comparison is on.
    boolean goldNamed = isNamedValue(g) && (options.allowSetRelationComp() || !isMembership(g));
    boolean predNamed = isNamedValue(p);
    if (goldNamed && predNamed) {
      // Named values compare by value (k=1 vs n=1); equations such as y=x vs x=y as relations.
      return equal(valueOf(g), valueOf(p)) || relationEqual((Relation) g, (Relation) p);
    }
    if (goldNamed && !(p instanceof Relation)) {
      return equal(valueOf(g), p);
    }
    if (predNamed && !(g instanceof Relation)) {
      return equal(g, valueOf(p));
    }
    if (isComputation(p) && !(g instanceof Relation)) {
      // A worked computation ending in its value (2+3 = 5, or 1/2 \$ = 10/9 once the currency
      // sign is dropped): as in Math-Verify, its right side is the answer.
      return equal(g, valueOf(p));
    }
    if (g instanceof SetOf || p instanceof SetOf) {
      return unorderedEqual(itemsOf(g), itemsOf(p));
    }
    if (g instanceof Relation gr && p instanceof Relation pr) {
      return relationEqual(gr, pr);
    }
    if (g instanceof Tuple gt && p instanceof Tuple pt) {
      return orderedEqual(gt.items(), pt.items());
    }
    if (g instanceof Interval || p instanceof Interval) {
      return intervalEqual(asInterval(g), asInterval(p));
    }
    if (g instanceof Matrix gm && p instanceof Matrix pm) {
      return gm.rows().size() == pm.rows().size()
          && orderedEqual(Exprs.children(gm), Exprs.children(pm))
          && gm.rows().get(0).size() == pm.rows().get(0).size();
    }
    if (g instanceof Ratio gr && p instanceof Ratio pr) {
      return equal(gr.left(), pr.left()) && equal(gr.right(), pr.right());
    }
    if (g instanceof Union gu && p instanceof Union pu) {
      return unorderedEqual(gu.parts(), pu.parts());
    }
    if (g instanceof Text || p instanceof Text) {
      return textEqual(g, p);
    }
    if (isCollection(g) || isCollection(p) || g instanceof Relation || p instanceof Relation) {
      return false;
    }
    return scalarEqual(g, p);
  }

  private static boolean isCollection(Expr e) {
    return e instanceof Tuple
        || e instanceof SetOf
        || e instanceof Interval
        || e instanceof Matrix
        || e instanceof Union
        || e instanceof Ratio;
  }

  /** {@code name = value} or {@code name \in set}. */
  private static boolean isNamedValue(Expr e) {
    return e instanceof Relation r
        && r.operators().size() == 1
        && (r.operators().get(0).equals("=") || r.operators().get(0).equals("in"))
        && Exprs.isLabel(r.operands().get(0));
  }

  /** {@code c = v} whose left side has no variables (a chain is already cut to its last link). */
  private static boolean isComputation(Expr e) {
    return Exprs.equationLeftSide(e).filter(left -> Exprs.freeSymbols(left).isEmpty()).isPresent();
  }

  private static boolean isMembership(Expr e) {
    return e instanceof Relation r && r.operators().get(0).equals("in");
  }

  private static Expr valueOf(Expr namedValue) {
    return ((Relation) namedValue).operands().get(1);
  }

  private static List<Expr> itemsOf(Expr e) {
    return e instanceof SetOf s ? s.items() : List.of(e);
  }

  private boolean orderedEqual(List<Expr> a, List<Expr> b) {
    if (a.size() != b.size() || a.size() > MAX_ITEMS * MAX_ITEMS) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!equal(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A perfect matching between the two lists as sets (greedy: items are rarely equal to two
   * others). Repeated items count once, as in a solution set: {@code (3,7),(3,7),(1,2)} equals
   * {@code (1,2),(3,7)}.
   */
  private boolean unorderedEqual(List<Expr> withRepeats, List<Expr> otherWithRepeats) {
    List<Expr> a = withRepeats.stream().distinct().toList();
    List<Expr> b = otherWithRepeats.stream().distinct().toList();
    if (a.size() != b.size() || a.size() > MAX_ITEMS) {
      return false;
    }
    boolean[] used = new boolean[b.size()];
    for (Expr x : a) {
      boolean found = false;
      for (int j = 0; j < b.size() && !found; j++) {
        if (!used[j] && equal(x, b.get(j))) {
          used[j] = true;
          found = true;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** An open two-element tuple {@code (a,b)} may stand for the open interval. */
  private static Interval asInterval(Expr e) {
    if (e instanceof Interval i) {
      return i;
    }
    if (e instanceof Tuple t && t.items().size() == 2) {
      return new Interval(t.items().get(0), t.items().get(1), false, false);
    }
    return null;
  }

  private boolean intervalEqual(Interval a, Interval b) {
    return a != null
        && b != null
        && a.lowClosed() == b.lowClosed()
        && a.highClosed() == b.highClosed()
        && equal(a.low(), b.low())
        && equal(a.high(), b.high());
  }

  private static boolean textEqual(Expr a, Expr b) {
    String x = textOf(a);
    String y = textOf(b);
    if (x == null || y == null) {
      return false;
    }
    return x.length() == 1 || y.length() == 1 ? x.equals(y) : x.equalsIgnoreCase(y);
  }

  private static String textOf(Expr e) {
    if (e instanceof Text t) {
      return t.text().replace(" ", "");
    }
    if (e instanceof Sym s) {
      return s.name();
    }
    if (e instanceof Mul m && m.factors().stream().allMatch(Sym.class::isInstance)) {
      StringBuilder sb = new StringBuilder();
      m.factors().forEach(f -> sb.append(((Sym) f).name()));
      return sb.toString();
    }
    return null;
  }

  // ---- relations
  // ---------------------------------------------------------------------------------

  private boolean relationEqual(Relation g, Relation p) {
    if (g.operators().size() != p.operators().size()) {
      return false;
    }
    if (g.operators().size() > 1
        || g.operators().get(0).equals("in")
        || p.operators().get(0).equals("in")) {
      return g.operators().equals(p.operators()) && orderedEqual(g.operands(), p.operands());
    }
    String op = g.operators().get(0);
    if (!op.equals(p.operators().get(0))) {
      return false;
    }
    Expr gl = g.operands().get(0);
    Expr gr = g.operands().get(1);
    Expr pl = p.operands().get(0);
    Expr pr = p.operands().get(1);
    boolean symmetric = op.equals("=") || op.equals("!=");
    if (equal(gl, pl) && equal(gr, pr) || symmetric && equal(gl, pr) && equal(gr, pl)) {
      return true;
    }
    // Same relation up to a constant factor: (gr - gl) = c (pr - pl), c > 0 for inequalities.
    Expr d1 = new Add(List.of(gr, new Neg(gl)));
    Expr d2 = new Add(List.of(pr, new Neg(pl)));
    return proportional(d1, d2, symmetric ? 0 : 1);
  }

  private boolean proportional(Expr d1, Expr d2, int sign) {
    Set<String> symbols = Exprs.freeSymbols(d1);
    if (!symbols.equals(Exprs.freeSymbols(d2)) || symbols.isEmpty()) {
      return false;
    }
    double ratio = Double.NaN;
    for (int k = 0; k < 3; k++) {
      Map<String, Double> point = probe(symbols, k);
      double v1 = NumericEvaluator.evaluate(d1, point, budget);
      double v2 = NumericEvaluator.evaluate(d2, point, budget);
      double r = v1 / v2;
      if (!Double.isFinite(r) || r == 0 || sign > 0 && r < 0) {
        return false;
      }
      if (k > 0 && !close(r, ratio)) {
        return false;
      }
      ratio = r;
    }
    if (Exprs.hasFloat(d1) || Exprs.hasFloat(d2)) {
      return true;
    }
    return casDecides(() -> Cas.proportional(d1, d2, sign, remainingMillis()), d1, d2);
  }

  // ---- scalars
  // -----------------------------------------------------------------------------------

  private boolean scalarEqual(Expr a, Expr b) {
    boolean anyFloat = Exprs.hasFloat(a) || Exprs.hasFloat(b);
    Rational ra;
    Rational rb;
    try {
      ra = ExactEvaluator.evaluate(a, budget);
      rb = ra == null ? null : ExactEvaluator.evaluate(b, budget);
    } catch (Rational.TooLargeException tooLarge) {
      technicalReason = Verdict.TOO_LARGE;
      return false;
    }
    if (ra != null && rb != null) {
      return anyFloat
          ? ra.round(options.precision()).equals(rb.round(options.precision()))
          : ra.equals(rb);
    }
    Set<String> sa = Exprs.freeSymbols(a);
    Set<String> sb = Exprs.freeSymbols(b);
    if (!options.strict() && !sa.equals(sb) && sa.size() == sb.size() && sa.size() <= 3) {
      for (Map<String, String> renaming : renamings(new ArrayList<>(sb), new ArrayList<>(sa))) {
        Expr renamed = rename(b, renaming);
        if (sameSymbolsEqual(a, renamed, sa, anyFloat)) {
          return true;
        }
      }
      return false;
    }
    // Different symbol sets may still be equal when a variable cancels (sin^2 x + cos^2 x = 1).
    Set<String> all = new java.util.TreeSet<>(sa);
    all.addAll(sb);
    return sameSymbolsEqual(a, b, all, anyFloat);
  }

  private boolean sameSymbolsEqual(Expr a, Expr b, Set<String> symbols, boolean anyFloat) {
    boolean evaluated = false;
    for (int k = 0; k < (symbols.isEmpty() ? 1 : 3); k++) {
      Map<String, Double> point = probe(symbols, k);
      double va = NumericEvaluator.evaluate(a, point, budget);
      double vb = NumericEvaluator.evaluate(b, point, budget);
      if (Double.isNaN(va) || Double.isNaN(vb)) {
        continue;
      }
      evaluated = true;
      if (anyFloat && symbols.isEmpty()) {
        return roundedEqual(va, vb);
      }
      if (!close(va, vb)) {
        return false;
      }
      if (symbols.isEmpty() && Double.isInfinite(va)) {
        return true;
      }
    }
    if (anyFloat) {
      return evaluated;
    }
    return casDecides(() -> Cas.equal(a, b, remainingMillis()), a, b);
  }

  private boolean roundedEqual(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      return a == b;
    }
    int places = options.precision();
    return new BigDecimal(a)
            .setScale(places, java.math.RoundingMode.HALF_UP)
            .equals(new BigDecimal(b).setScale(places, java.math.RoundingMode.HALF_UP))
        || Math.abs(a - b) <= Math.pow(10, -places) * 1e-3;
  }

  /** Equal up to a relative 1e-9 (infinities only equal themselves). */
  private static boolean close(double a, double b) {
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return a == b;
    }
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }

  private interface CasQuestion {
    Cas.Outcome ask();
  }

  /**
   * Asks the CAS when the trees are small enough and time remains; records why it could not. A
   * question spends a fixed share of the work budget ({@link WorkBudget#CAS_QUESTION_UNITS}).
   */
  private boolean casDecides(CasQuestion question, Expr a, Expr b) {
    if (Exprs.size(a) + Exprs.size(b) > MAX_CAS_NODES
        || Exprs.hasLiteralLongerThan(a, MAX_CAS_DIGITS)
        || Exprs.hasLiteralLongerThan(b, MAX_CAS_DIGITS)
        || !casSafe(a)
        || !casSafe(b)) {
      technicalReason = Verdict.TOO_LARGE;
      return false;
    }
    budget.spend(WorkBudget.CAS_QUESTION_UNITS);
    deadlineNanos += Cas.initialize();
    if (remainingMillis() <= 0) {
      technicalReason = Verdict.TIMEOUT;
      return false;
    }
    Cas.Outcome outcome = question.ask();
    if (outcome == Cas.Outcome.TIMEOUT) {
      technicalReason = Verdict.TIMEOUT;
    }
    return outcome == Cas.Outcome.EQUAL;
  }

  /**
   * Symja ignores its stop request inside some big-integer work and expansions, and its own limits
   * count steps, not terms, so what could explode is refused before it is asked: constant exponents
   * beyond {@link #MAX_CAS_EXPONENT} in absolute value ({@link #MAX_CAS_EXPANDED_POWER} on a sum
   * with variables, {@link #MAX_CAS_FUNCTION_POWER} on a function of variables),
   * factorials/binomials of constants (both arguments) and sum/product bounds beyond {@link
   * #MAX_CAS_FACTORIAL}, sums nested in sums, products of more than {@link #MAX_CAS_EXPANDED_POWER}
   * and sums of more than {@link #MAX_CAS_SYMBOLIC_SUM_TERMS} terms with variables besides the
   * index (expanded, {@code \sum_{k=0}^{900} \binom{900}{k} x^k} is a polynomial of degree 900 and
   * took Symja seconds), and, in a sum or product with a variable bound (a closed form is sought),
   * exponents beyond {@link #MAX_CAS_EXPANDED_POWER}.
   */
  private boolean casSafe(Expr e) {
    if (e instanceof Expr.Pow p) {
      boolean variable = !Exprs.freeSymbols(p.base()).isEmpty();
      int limit =
          variable && p.base() instanceof Add
              ? MAX_CAS_EXPANDED_POWER
              : variable && p.base() instanceof Expr.Call
                  ? MAX_CAS_FUNCTION_POWER
                  : MAX_CAS_EXPONENT;
      if (!bounded(p.exponent(), limit)) {
        return false;
      }
    }
    if (isBigOperator(e)) {
      Expr.Call c = (Expr.Call) e;
      Expr body = c.args().get(0);
      Expr low = c.args().get(2);
      Expr high = c.args().get(3);
      if (!bounded(low, MAX_CAS_FACTORIAL)
          || !bounded(high, MAX_CAS_FACTORIAL)
          || containsBigOperator(body)) {
        return false;
      }
      boolean symbolicBounds =
          !Exprs.freeSymbols(low).isEmpty() || !Exprs.freeSymbols(high).isEmpty();
      if (symbolicBounds && maxConstantExponent(body) > MAX_CAS_EXPANDED_POWER) {
        return false;
      }
      int maxTerms =
          c.function().equals("prod") ? MAX_CAS_EXPANDED_POWER : MAX_CAS_SYMBOLIC_SUM_TERMS;
      if (!symbolicBounds
          && hasOtherSymbols(body, c.args().get(1))
          && termCount(low, high) > maxTerms) {
        return false;
      }
    }
    if (e instanceof Expr.Call c
        && (c.function().equals("factorial") || c.function().equals("binom"))) {
      for (Expr arg : c.args()) {
        if (!bounded(arg, MAX_CAS_FACTORIAL)) {
          return false;
        }
      }
    }
    for (Expr child : Exprs.children(e)) {
      if (!casSafe(child)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBigOperator(Expr e) {
    return e instanceof Expr.Call c && (c.function().equals("sum") || c.function().equals("prod"));
  }

  /** Nested sums multiply their term counts, so a sum inside a sum is refused. */
  private static boolean containsBigOperator(Expr e) {
    if (isBigOperator(e)) {
      return true;
    }
    for (Expr child : Exprs.children(e)) {
      if (containsBigOperator(child)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code body} has free symbols besides the big operator's index. */
  private static boolean hasOtherSymbols(Expr body, Expr index) {
    Set<String> symbols = new java.util.HashSet<>(Exprs.freeSymbols(body));
    symbols.removeAll(Exprs.freeSymbols(index));
    return !symbols.isEmpty();
  }

  /** Terms of a big operator with constant bounds (already checked to be at most 1000). */
  private double termCount(Expr low, Expr high) {
    return NumericEvaluator.evaluate(high, Map.of(), budget)
        - NumericEvaluator.evaluate(low, Map.of(), budget)
        + 1;
  }

  /**
   * The largest absolute constant exponent in {@code e} (0 when none; infinite for one that is not
   * finite).
   */
  private double maxConstantExponent(Expr e) {
    double max = 0;
    if (e instanceof Expr.Pow p && Exprs.freeSymbols(p.exponent()).isEmpty()) {
      double v = Math.abs(NumericEvaluator.evaluate(p.exponent(), Map.of(), budget));
      max = Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }
    for (Expr child : Exprs.children(e)) {
      max = Math.max(max, maxConstantExponent(child));
    }
    return max;
  }

  /** A constant of absolute value at most {@code limit}, or an expression with free symbols. */
  private boolean bounded(Expr e, int limit) {
    if (!Exprs.freeSymbols(e).isEmpty()) {
      return true;
    }
    double v = NumericEvaluator.evaluate(e, Map.of(), budget);
    return Double.isFinite(v) && Math.abs(v) <= limit;
  }

  private long remainingMillis() {
    return (deadlineNanos - System.nanoTime()) / 1_000_000;
  }

  /** Probe point k: each symbol gets a distinct irrational-looking value (deterministic). */
  private static Map<String, Double> probe(Set<String> symbols, int k) {
    Map<String, Double> point = new HashMap<>();
    int i = 0;
    for (String s : symbols) {
      point.put(s, PROBES[(i + 2 * k) % PROBES.length] + 0.1 * i + 0.37 * k);
      i++;
    }
    return point;
  }

  private static List<Map<String, String>> renamings(List<String> from, List<String> to) {
    List<Map<String, String>> out = new ArrayList<>();
    permute(to, 0, from, out);
    return out;
  }

  private static void permute(
      List<String> to, int k, List<String> from, List<Map<String, String>> out) {
    if (k == to.size()) {
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i < from.size(); i++) {
        m.put(from.get(i), to.get(i));
      }
      out.add(m);
      return;
    }
    for (int i = k; i < to.size(); i++) {
      java.util.Collections.swap(to, k, i);
      permute(to, k + 1, from, out);
      java.util.Collections.swap(to, k, i);
    }
  }

  private static Expr rename(Expr e, Map<String, String> renaming) {
    if (e instanceof Sym s) {
      return new Sym(renaming.getOrDefault(s.name(), s.name()));
    }
    if (e instanceof Add a) {
      return new Add(a.terms().stream().map(t -> rename(t, renaming)).toList());
    }
    if (e instanceof Mul m) {
      return new Mul(m.factors().stream().map(t -> rename(t, renaming)).toList());
    }
    if (e instanceof Expr.Div d) {
      return new Expr.Div(rename(d.numerator(), renaming), rename(d.denominator(), renaming));
    }
    if (e instanceof Neg n) {
      return new Neg(rename(n.operand(), renaming));
    }
    if (e instanceof Expr.Pow p) {
      return new Expr.Pow(rename(p.base(), renaming), rename(p.exponent(), renaming));
    }
    if (e instanceof Expr.Call c) {
      return new Expr.Call(c.function(), c.args().stream().map(t -> rename(t, renaming)).toList());
    }
    return e;
  }
}
