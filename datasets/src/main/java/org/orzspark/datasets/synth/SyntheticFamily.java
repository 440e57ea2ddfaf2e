package org.orzspark.datasets.synth;

import java.util.SplittableRandom;
import org.orzspark.datasets.CommandLineIds;

/** The task families of {@code orz synth}, each with difficulty levels 1..3. */
public enum SyntheticFamily {
  /** {@code Compute 12 + 7 * 3 - 5.}: 1-2 operations (+ -) up to 3-4 (+ - * /, parentheses). */
  ARITHMETIC("arithmetic", new ArithmeticGenerator()),
  /** {@code Solve for x: 3x + 5 = 2x + 9.}: one step, two steps, x on both sides. */
  LINEAR("linear", new LinearEquationGenerator()),
  /** {@code What is the remainder when 23 * 17 is divided by 5?} */
  MODULAR("modular", new ModularGenerator()),
  /** {@code Compute 1/3 + 1/4.}: answers are reduced fractions or integers. */
  FRACTIONS("fractions", new FractionGenerator()),
  /** Arrangements, choices, codes, inclusion-exclusion with small numbers. */
  COUNTING("counting", new CountingGenerator()),
  /** {@code Is 48 greater than 39?} up to comparing two fractions (answers yes/no or A/B). */
  COMPARISON("comparison", new ComparisonGenerator());

  public static final int MIN_DIFFICULTY = 1;
  public static final int MAX_DIFFICULTY = 3;

  private final String id;
  private final FamilyGenerator generator;

  SyntheticFamily(String id, FamilyGenerator generator) {
    this.id = id;
    this.generator = generator;
  }

  /** The family's name on the command line and in {@code source = synth/<id>}. */
  public String id() {
    return id;
  }

  /** Looks a family up by id (case-insensitive); the error lists the valid ids. */
  public static SyntheticFamily byId(String id) {
    return CommandLineIds.byId(SyntheticFamily.class, SyntheticFamily::id, "synthetic family", id);
  }

  /** All family ids, comma-separated, in declaration order. */
  public static String ids() {
    return CommandLineIds.ids(SyntheticFamily.class, SyntheticFamily::id);
  }

  SyntheticProblem generate(int difficulty, SplittableRandom rng) {
    if (difficulty < MIN_DIFFICULTY || difficulty > MAX_DIFFICULTY) {
      throw new IllegalArgumentException(
          "difficulty must be in " + MIN_DIFFICULTY + ".." + MAX_DIFFICULTY + ": " + difficulty);
    }
    return generator.generate(difficulty, rng);
  }
}
