package org.orzspark.reward.latex;

import java.util.Set;

/** The allow-list of function names a {@link Expr.Call} may carry; nothing else reaches the CAS. */
public final class Functions {
  private Functions() {}

  /** One-argument functions written as commands ({@code \sin x}) or words ({@code sqrt(2)}). */
  public static final Set<String> UNARY =
      Set.of(
          "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh",
          "tanh", "ln", "log", "exp", "sqrt", "abs", "floor", "ceil", "factorial");

  /** Two-argument functions: root(x, n), log(x, base), binom(n, k). */
  public static final Set<String> BINARY = Set.of("root", "log", "binom");

  public static boolean isWordFunction(String word) {
    return UNARY.contains(word) && !word.equals("abs") && !word.equals("factorial");
  }
}
