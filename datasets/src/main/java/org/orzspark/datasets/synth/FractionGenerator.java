package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fraction arithmetic on proper fractions with denominators 2..9; the answer is reduced (an integer
 * when the denominator reduces to 1). Difficulty 1: {@code a/b + c/d}; 2: a difference or a
 * product; 3: three terms {@code a/b + c/d - e/f} or a quotient.
 */
final class FractionGenerator implements FamilyGenerator {

  @Override
  public SyntheticProblem generate(int difficulty, SplittableRandom rng) {
    Fraction x = proper(rng);
    Fraction y = proper(rng);
    List<String> steps = new ArrayList<>();
    String question;
    Fraction result;
    switch (difficulty) {
      case 1 -> {
        question = x + " + " + y;
        result = addSteps(x, y, steps);
      }
      case 2 -> {
        if (rng.nextBoolean()) {
          question = x + " - " + y;
          result = addSteps(x, y.negate(), steps);
        } else {
          question = "(" + x + ") * (" + y + ")";
          result = multiplySteps(question, x, y, steps);
        }
      }
      default -> {
        if (rng.nextBoolean()) {
          Fraction z = proper(rng);
          question = x + " + " + y + " - " + z;
          result = addSteps(addSteps(x, y, steps), z.negate(), steps);
        } else {
          question = "(" + x + ") / (" + y + ")";
          steps.add("Dividing by " + y + " means multiplying by " + y.reciprocal());
          result =
              multiplySteps("(" + x + ") * (" + y.reciprocal() + ")", x, y.reciprocal(), steps);
        }
      }
    }
    return new SyntheticProblem(
        "Compute " + question + ".",
        result.toString(),
        SyntheticFamily.FRACTIONS.id(),
        difficulty,
        steps);
  }

  /** A fraction p/q with 2 <= q <= 9 and 1 <= p < q, reduced. */
  private static Fraction proper(SplittableRandom rng) {
    int den = rng.nextInt(2, 10);
    return Fraction.of(rng.nextInt(1, den), den);
  }

  /** Steps for {@code x + y} (y may be negative: then it is written as a subtraction). */
  private static Fraction addSteps(Fraction x, Fraction y, List<String> steps) {
    long common = Fraction.lcm(x.den(), y.den());
    long xNum = x.num() * (common / x.den());
    long yNum = y.num() * (common / y.den());
    String op = yNum < 0 ? " - " : " + ";
    String yText = y.num() < 0 ? y.negate().toString() : y.toString();
    if (x.den() != common || y.den() != common) {
      steps.add(x + op + yText + " = " + xNum + "/" + common + op + Math.abs(yNum) + "/" + common);
    }
    long sum = xNum + yNum;
    Fraction result = x.plus(y);
    steps.add(
        xNum + "/" + common + op + Math.abs(yNum) + "/" + common + " = " + sum + "/" + common);
    if (result.den() != common) {
      steps.add(sum + "/" + common + " = " + result);
    }
    return result;
  }

  private static Fraction multiplySteps(
      String product, Fraction x, Fraction y, List<String> steps) {
    long num = x.num() * y.num();
    long den = x.den() * y.den();
    steps.add(product + " = " + num + "/" + den);
    Fraction result = x.times(y);
    if (result.den() != den) {
      steps.add(num + "/" + den + " = " + result);
    }
    return result;
  }
}
