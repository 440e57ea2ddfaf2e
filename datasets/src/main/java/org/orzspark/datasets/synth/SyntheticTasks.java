package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.orzspark.datasets.PromptRecord;

/**
 * Generates synthetic problems deterministically. Problem i uses family {@code families[i mod
 * |families|]} and its own random stream seeded from (seed, family id, i), so it depends on nothing
 * else: not on the count, not on the other families, not on the order of generation.
 */
public final class SyntheticTasks {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private SyntheticTasks() {}

  /** {@code count} problems of difficulties 1..3 drawn uniformly per problem. */
  public static List<SyntheticProblem> generate(List<String> families, int count, long seed) {
    return generate(
        families, count, seed, SyntheticFamily.MIN_DIFFICULTY, SyntheticFamily.MAX_DIFFICULTY);
  }

  /** {@code count} problems with difficulty drawn uniformly from {@code minDifficulty..maxDifficulty}. */
  public static List<SyntheticProblem> generate(
      List<String> families, int count, long seed, int minDifficulty, int maxDifficulty) {
    if (families.isEmpty()) {
      throw new IllegalArgumentException("no families given; valid: " + SyntheticFamily.ids());
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    if (minDifficulty < SyntheticFamily.MIN_DIFFICULTY
        || maxDifficulty > SyntheticFamily.MAX_DIFFICULTY
        || minDifficulty > maxDifficulty) {
      throw new IllegalArgumentException(
          "difficulty range must lie in 1..3: " + minDifficulty + ".." + maxDifficulty);
    }
    List<SyntheticFamily> resolved = families.stream().map(SyntheticFamily::byId).toList();
    List<SyntheticProblem> problems = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SyntheticFamily family = resolved.get(i % resolved.size());
      SplittableRandom rng = new SplittableRandom(itemSeed(seed, family.id(), i));
      int difficulty = rng.nextInt(minDifficulty, maxDifficulty + 1);
      problems.add(family.generate(difficulty, rng));
    }
    return problems;
  }

  /** The prompt record of a problem: source {@code synth/<family>}, metadata family and difficulty. */
  public static PromptRecord fromProblem(SyntheticProblem problem) {
    return PromptRecord.of(
        problem.question(),
        problem.answer(),
        "synth/" + problem.family(),
        null,
        null,
        Map.of("family", problem.family(), "difficulty", Integer.toString(problem.difficulty())));
  }

  /**
   * Seed of item {@code index}: SplitMix64's finaliser over seed, family and index, so nearby
   * indices and seeds give unrelated streams. {@link String#hashCode} is specified, hence stable.
   */
  static long itemSeed(long seed, String family, int index) {
    long z = mix(seed + GOLDEN_GAMMA * (family.hashCode() + 1L));
    return mix(z + GOLDEN_GAMMA * (index + 1L));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
