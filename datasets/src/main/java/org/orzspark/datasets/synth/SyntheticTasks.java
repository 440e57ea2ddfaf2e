package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.orzspark.datasets.PromptId;
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

  /**
   * {@code count} problems with difficulty drawn uniformly from {@code
   * minDifficulty..maxDifficulty}.
   */
  public static List<SyntheticProblem> generate(
      List<String> families, int count, long seed, int minDifficulty, int maxDifficulty) {
    List<SyntheticFamily> resolved = resolve(families, count, minDifficulty, maxDifficulty);
    List<SyntheticProblem> problems = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      problems.add(problem(resolved, i, seed, minDifficulty, maxDifficulty));
    }
    return problems;
  }

  /**
   * Like {@link #generate}, but with pairwise distinct questions ({@link PromptId}), so a prompt
   * set has unique ids, and with the same number of problems per family as {@link #generate} (the
   * first {@code count mod |families|} families get one more). Each family walks its own indices of
   * the round-robin ({@code k, k + |families|, ...} for the family at position k) and skips
   * repeats, which are likely among the easy problems; the result is interleaved in round-robin
   * order. Where no repeat occurs the result equals {@link #generate}'s.
   *
   * @throws IllegalArgumentException when a family cannot give its share of distinct problems
   *     within {@code 10 * share + 1000} draws
   */
  public static List<SyntheticProblem> generateDistinct(
      List<String> families, int count, long seed, int minDifficulty, int maxDifficulty) {
    List<SyntheticFamily> resolved = resolve(families, count, minDifficulty, maxDifficulty);
    int n = resolved.size();
    Set<String> seen = new HashSet<>();
    List<List<SyntheticProblem>> perFamily = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int share = count / n + (k < count % n ? 1 : 0);
      List<SyntheticProblem> problems = new ArrayList<>(share);
      long maxDraws = 10L * share + 1000;
      for (long draw = 0; problems.size() < share; draw++) {
        if (draw >= maxDraws) {
          throw new IllegalArgumentException(
              "only "
                  + problems.size()
                  + " distinct "
                  + resolved.get(k).id()
                  + " problems in "
                  + maxDraws
                  + " draws at difficulty "
                  + minDifficulty
                  + ".."
                  + maxDifficulty
                  + "; ask for fewer");
        }
        SyntheticProblem p =
            problem(resolved, Math.toIntExact(k + draw * n), seed, minDifficulty, maxDifficulty);
        if (seen.add(PromptId.of(p.question()))) {
          problems.add(p);
        }
      }
      perFamily.add(problems);
    }
    List<SyntheticProblem> interleaved = new ArrayList<>(count);
    for (int j = 0; interleaved.size() < count; j++) {
      for (List<SyntheticProblem> problems : perFamily) {
        if (j < problems.size()) {
          interleaved.add(problems.get(j));
        }
      }
    }
    return interleaved;
  }

  private static SyntheticProblem problem(
      List<SyntheticFamily> families, int index, long seed, int minDifficulty, int maxDifficulty) {
    SyntheticFamily family = families.get(index % families.size());
    SplittableRandom rng = new SplittableRandom(itemSeed(seed, family.id(), index));
    int difficulty = rng.nextInt(minDifficulty, maxDifficulty + 1);
    return family.generate(difficulty, rng);
  }

  private static List<SyntheticFamily> resolve(
      List<String> families, int count, int minDifficulty, int maxDifficulty) {
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
    return families.stream().map(SyntheticFamily::byId).toList();
  }

  /**
   * The prompt record of a problem: source {@code synth/<family>}, metadata family and difficulty.
   */
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
