package org.orzspark.reward.latex;

import java.math.BigDecimal;
import java.util.List;

/**
 * The small expression tree the project's LaTeX parser produces. Only these node kinds exist, so
 * everything downstream (exact evaluation, numeric probing, the CAS bridge) works from an
 * allow-list: model text never reaches a general-purpose parser.
 */
public sealed interface Expr {

  /**
   * A number literal; {@code isFloat} when it was written with a decimal point (compared rounded).
   */
  record Num(BigDecimal value, boolean isFloat) implements Expr {}

  /**
   * An integer/rational literal from a fraction of integers is built as {@link Div}; names are
   * symbols.
   */
  record Sym(String name) implements Expr {}

  /** A run of prose (from {@code \text{}} or a word), compared as a trimmed string. */
  record Text(String text) implements Expr {}

  record Add(List<Expr> terms) implements Expr {}

  record Mul(List<Expr> factors) implements Expr {}

  record Div(Expr numerator, Expr denominator) implements Expr {}

  record Neg(Expr operand) implements Expr {}

  record Pow(Expr base, Expr exponent) implements Expr {}

  /** {@code a \pm b} ({@code a} is null for a leading {@code \pm}); expanded into two values. */
  record PlusMinus(Expr left, Expr right) implements Expr {}

  /** A known function from {@link Functions}: sqrt, root, sin, log, abs, factorial, ... */
  record Call(String function, List<Expr> args) implements Expr {}

  /** {@code a:b} (ratios, clock times): compared component-wise, never divided. */
  record Ratio(Expr left, Expr right) implements Expr {}

  /**
   * Parenthesised, ordered, comma-separated: {@code (1,2)}. Two-element tuples may equal open
   * intervals.
   */
  record Tuple(List<Expr> items) implements Expr {}

  /** Braces or a bare top-level list of answers: unordered. */
  record SetOf(List<Expr> items) implements Expr {}

  record Interval(Expr low, Expr high, boolean lowClosed, boolean highClosed) implements Expr {}

  record Union(List<Expr> parts) implements Expr {}

  record Matrix(List<List<Expr>> rows) implements Expr {}

  /**
   * A relation chain {@code a0 op0 a1 op1 a2 ...}; operators are normalised to {@code =, <, <=, !=,
   * in} ({@code >} and {@code >=} are flipped at parse time).
   */
  record Relation(List<Expr> operands, List<String> operators) implements Expr {}
}
