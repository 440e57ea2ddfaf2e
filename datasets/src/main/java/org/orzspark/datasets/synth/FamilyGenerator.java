package org.orzspark.datasets.synth;

import java.util.SplittableRandom;

/** Generates one problem of a family; every random choice comes from {@code rng}. */
interface FamilyGenerator {
  SyntheticProblem generate(int difficulty, SplittableRandom rng);
}
