package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-step integer arithmetic. The expression is a random tree, printed with the parentheses that
 * its evaluation order needs and solved one operation per step in post-order. Every division is
 * exact (its operands are two leaves, the dividend a multiple of the divisor), and the right
 * operand of {@code *} and {@code /} is a single digit 2..9, so values stay small.
 *
 * <p>Difficulty 1: 1-2 operations of {@code + -} on 1..20; 2: 2-3 of {@code + - *} on 1..30; 3: 3-4
 * of {@code + - * /} on 1..50.
 */
final class ArithmeticGenerator implements FamilyGenerator {

  private sealed interface Expr permits Leaf, Op {
    long value();
  }

  private record Leaf(long value) implements Expr {}

  private record Op(char op, Expr left, Expr right, long value) implements Expr {
    static Op of(char op, Expr left, Expr right) {
      long l = left.value();
      long r = right.value();
      long v =
          switch (op) {
            case '+' -> l + r;
            case '-' -> l - r;
            case '*' -> l * r;
            case '/' -> l / r;
            default -> throw new IllegalArgumentException("operator " + op);
          };
      return new Op(op, left, right, v);
    }
  }

  @Override
  public SyntheticProblem generate(int difficulty, SplittableRandom rng) {
    int ops = rng.nextInt(difficulty, difficulty + 2);
    String operators = difficulty == 1 ? "+-" : difficulty == 2 ? "+-*" : "+-*/";
    int maxLeaf = difficulty == 1 ? 20 : difficulty == 2 ? 30 : 50;
    Expr expr = build(ops, operators, maxLeaf, rng);
    List<String> steps = new ArrayList<>();
    solve(expr, steps);
    return new SyntheticProblem(
        "Compute " + render(expr) + ".",
        Long.toString(expr.value()),
        SyntheticFamily.ARITHMETIC.id(),
        difficulty,
        steps);
  }

  private static Expr build(int ops, String operators, int maxLeaf, SplittableRandom rng) {
    if (ops == 0) {
      return new Leaf(rng.nextInt(1, maxLeaf + 1));
    }
    char op = operators.charAt(rng.nextInt(operators.length()));
    if (op == '/' && ops > 1) {
      op = '*';
    }
    if (op == '/') {
      long divisor = rng.nextInt(2, 10);
      return Op.of(op, new Leaf(divisor * rng.nextInt(1, 13)), new Leaf(divisor));
    }
    if (op == '*') {
      return Op.of(op, build(ops - 1, operators, maxLeaf, rng), new Leaf(rng.nextInt(2, 10)));
    }
    int leftOps = rng.nextInt(ops);
    return Op.of(
        op,
        build(leftOps, operators, maxLeaf, rng),
        build(ops - 1 - leftOps, operators, maxLeaf, rng));
  }

  /** Post-order: each step applies one operator to two already known values. */
  private static void solve(Expr expr, List<String> steps) {
    if (expr instanceof Op op) {
      solve(op.left(), steps);
      solve(op.right(), steps);
      steps.add(
          op.left().value()
              + " "
              + op.op()
              + " "
              + rightOperand(op.right().value())
              + " = "
              + op.value());
    }
  }

  private static String rightOperand(long value) {
    return value < 0 ? "(" + value + ")" : Long.toString(value);
  }

  private static String render(Expr expr) {
    if (expr instanceof Op op) {
      String left = render(op.left());
      String right = render(op.right());
      if (op.left() instanceof Op l && precedence(l.op()) < precedence(op.op())) {
        left = "(" + left + ")";
      }
      // Also around a right operand of equal precedence, even where associativity would allow
      // dropping them, so that the written order is the order of the solution steps.
      if (op.right() instanceof Op r && precedence(r.op()) <= precedence(op.op())) {
        right = "(" + right + ")";
      }
      return left + " " + op.op() + " " + right;
    }
    return Long.toString(expr.value());
  }

  private static int precedence(char op) {
    return op == '+' || op == '-' ? 1 : 2;
  }
}
