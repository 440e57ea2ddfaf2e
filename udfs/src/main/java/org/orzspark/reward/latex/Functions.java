package org.orzspark.reward.latex;

import java.util.Set;

/**
 * Function names the parser reads as calls. A {@link Expr.Call} carries one of these, or {@code
 * root(x, n)}, {@code log(x, base)}, {@code binom(n, k)}, {@code sum(body, k, low, high)}, {@code
 * prod(body, k, low, high)}; the CAS bridge maps exactly this list.
 */
public final class Functions {
  private Functions() {}

  /** One-argument functions written as commands ({@code \sin x}) or words ({@code sqrt(2)}). */
  public static final Set<String> UNARY =
      Set.of(
          "sin",
          "cos",
          "tan",
          "sec",
          "csc",
          "cot",
          "arcsin",
          "arccos",
          "arctan",
          "sinh",
          "cosh",
          "tanh",
          "ln",
          "log",
          "exp",
          "sqrt",
          "abs",
          "floor",
          "ceil",
          "factorial");

  public static boolean isWordFunction(String word) {
    return UNARY.contains(word) && !word.equals("abs") && !word.equals("factorial");
  }
}
