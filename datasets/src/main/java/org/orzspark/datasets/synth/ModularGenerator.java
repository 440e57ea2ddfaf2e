package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Remainders. Difficulty 1: {@code n mod m} for a two-digit n; 2: of a product of two two-digit
 * numbers; 3: of {@code a * b + c} with a three-digit a. Divisors are 2..13.
 */
final class ModularGenerator implements FamilyGenerator {

  @Override
  public SyntheticProblem generate(int difficulty, SplittableRandom rng) {
    List<String> steps = new ArrayList<>();
    String expression;
    long value;
    long m;
    switch (difficulty) {
      case 1 -> {
        value = rng.nextInt(10, 100);
        m = rng.nextInt(2, 10);
        expression = Long.toString(value);
      }
      case 2 -> {
        long a = rng.nextInt(10, 100);
        long b = rng.nextInt(10, 100);
        m = rng.nextInt(3, 13);
        value = a * b;
        expression = a + " * " + b;
        steps.add(expression + " = " + value);
      }
      default -> {
        long a = rng.nextInt(100, 1000);
        long b = rng.nextInt(10, 100);
        long c = rng.nextInt(10, 100);
        m = rng.nextInt(3, 14);
        value = a * b + c;
        expression = a + " * " + b + " + " + c;
        steps.add(a + " * " + b + " = " + a * b);
        steps.add(a * b + " + " + c + " = " + value);
      }
    }
    long remainder = value % m;
    steps.add(value + " = " + m + " * " + value / m + " + " + remainder);
    steps.add("The remainder is " + remainder);
    return new SyntheticProblem(
        "What is the remainder when " + expression + " is divided by " + m + "?",
        Long.toString(remainder),
        SyntheticFamily.MODULAR.id(),
        difficulty,
        steps);
  }
}
