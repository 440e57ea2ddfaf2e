package org.orzspark.datasets.synth;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Comparisons with no ties. Difficulty 1: {@code Is a greater than b?} (yes/no); 2: which of two
 * products is larger (A/B); 3: which of two proper fractions is larger, by cross-multiplication
 * (A/B).
 */
final class ComparisonGenerator implements FamilyGenerator {

  @Override
  public SyntheticProblem generate(int difficulty, SplittableRandom rng) {
    return switch (difficulty) {
      case 1 -> greaterThan(rng);
      case 2 -> products(rng);
      default -> fractions(rng);
    };
  }

  private static SyntheticProblem greaterThan(SplittableRandom rng) {
    int a = rng.nextInt(1, 100);
    int b = (a + rng.nextInt(1, 99)) % 100 + 1; // never a: the offset is 1..98 (mod 100)
    String answer = a > b ? "yes" : "no";
    return problem(
        "Is " + a + " greater than " + b + "? Answer yes or no.",
        answer,
        1,
        List.of(a + (a > b ? " > " : " < ") + b + ", so the answer is " + answer));
  }

  private static SyntheticProblem products(SplittableRandom rng) {
    int a1 = rng.nextInt(2, 10);
    int a2 = rng.nextInt(10, 30);
    int b1;
    int b2;
    do {
      b1 = rng.nextInt(2, 10);
      b2 = rng.nextInt(10, 30);
    } while (a1 * a2 == b1 * b2);
    int a = a1 * a2;
    int b = b1 * b2;
    String answer = a > b ? "A" : "B";
    return problem(
        "Which is larger: A = "
            + a1
            + " * "
            + a2
            + " or B = "
            + b1
            + " * "
            + b2
            + "? Answer A or B.",
        answer,
        2,
        List.of(
            "A = " + a1 + " * " + a2 + " = " + a,
            "B = " + b1 + " * " + b2 + " = " + b,
            (a > b ? a + " > " + b : a + " < " + b) + ", so the larger is " + answer));
  }

  private static SyntheticProblem fractions(SplittableRandom rng) {
    Fraction x = properFraction(rng);
    Fraction y;
    do {
      y = properFraction(rng);
    } while (y.equals(x));
    long left = x.num() * y.den();
    long right = y.num() * x.den();
    String answer = left > right ? "A" : "B";
    return problem(
        "Which is larger: A = " + x + " or B = " + y + "? Answer A or B.",
        answer,
        3,
        List.of(
            "Cross-multiply: " + x.num() + " * " + y.den() + " = " + left,
            y.num() + " * " + x.den() + " = " + right,
            left + (left > right ? " > " : " < ") + right + ", so the larger is " + answer));
  }

  private static Fraction properFraction(SplittableRandom rng) {
    int den = rng.nextInt(3, 13);
    return Fraction.of(rng.nextInt(1, den), den);
  }

  private static SyntheticProblem problem(
      String question, String answer, int difficulty, List<String> steps) {
    return new SyntheticProblem(
        question, answer, SyntheticFamily.COMPARISON.id(), difficulty, steps);
  }
}
