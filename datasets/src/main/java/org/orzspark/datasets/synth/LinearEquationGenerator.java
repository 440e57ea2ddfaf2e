package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Linear equations in x with an integer solution chosen first. Difficulty 1: {@code x + b = c} or
 * {@code ax = c}; 2: {@code ax + b = c}; 3: {@code ax + b = cx + d} with a > c.
 */
final class LinearEquationGenerator implements FamilyGenerator {

  @Override
  public SyntheticProblem generate(int difficulty, SplittableRandom rng) {
    return switch (difficulty) {
      case 1 -> oneStep(rng);
      case 2 -> twoStep(rng);
      default -> bothSides(rng);
    };
  }

  private static SyntheticProblem oneStep(SplittableRandom rng) {
    long x = rng.nextInt(1, 21);
    if (rng.nextBoolean()) {
      long b = nonZero(rng, 20);
      String equation = "x " + signed(b) + " = " + (x + b);
      return problem(equation, x, 1, List.of(undo(b) + ": x = " + x));
    }
    long a = rng.nextInt(2, 10);
    String equation = a + "x = " + a * x;
    return problem(equation, x, 1, List.of("Divide both sides by " + a + ": x = " + x));
  }

  private static SyntheticProblem twoStep(SplittableRandom rng) {
    long x = rng.nextInt(-10, 11);
    long a = rng.nextInt(2, 10);
    long b = nonZero(rng, 20);
    long c = a * x + b;
    return problem(
        term(a) + " " + signed(b) + " = " + c,
        x,
        2,
        List.of(
            undo(b) + ": " + term(a) + " = " + (c - b),
            "Divide both sides by " + a + ": x = " + x));
  }

  private static SyntheticProblem bothSides(SplittableRandom rng) {
    long x = rng.nextInt(-10, 11);
    long c = rng.nextInt(1, 9);
    long a = rng.nextInt((int) c + 1, 10);
    long b = nonZero(rng, 20);
    long d = a * x + b - c * x;
    long k = a - c;
    List<String> steps = new ArrayList<>();
    steps.add("Subtract " + term(c) + " from both sides: " + term(k) + " " + signed(b) + " = " + d);
    steps.add(undo(b) + ": " + term(k) + " = " + (d - b));
    if (k != 1) {
      steps.add("Divide both sides by " + k + ": x = " + x);
    }
    return problem(term(a) + " " + signed(b) + " = " + term(c) + " " + signed(d), x, 3, steps);
  }

  private static SyntheticProblem problem(
      String equation, long x, int difficulty, List<String> steps) {
    return new SyntheticProblem(
        "Solve for x: " + equation + ".",
        Long.toString(x),
        SyntheticFamily.LINEAR.id(),
        difficulty,
        steps);
  }

  private static long nonZero(SplittableRandom rng, int bound) {
    long magnitude = rng.nextInt(1, bound + 1);
    return rng.nextBoolean() ? magnitude : -magnitude;
  }

  /** {@code 3x}, or {@code x} for a coefficient of 1. */
  private static String term(long coefficient) {
    return coefficient == 1 ? "x" : coefficient + "x";
  }

  /** {@code + 5} or {@code - 5}: a constant written after a term. */
  private static String signed(long value) {
    return value < 0 ? "- " + -value : "+ " + value;
  }

  /** The step that removes the constant {@code b} from the left side. */
  private static String undo(long b) {
    return b < 0 ? "Add " + -b + " to both sides" : "Subtract " + b + " from both sides";
  }
}
