package org.orzspark.datasets.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Counting with small numbers. Difficulty 1: arrangements n! or choices C(n, k); 2: codes n^k with
 * repetition or ordered podiums P(n, k); 3: two independent choices C(b, i) * C(g, j), or
 * inclusion-exclusion for multiples of p or q up to n.
 */
final class CountingGenerator implements FamilyGenerator {

  private static final String[] PLACES = {"first", "second", "third"};

  @Override
  public SyntheticProblem generate(int difficulty, SplittableRandom rng) {
    boolean first = rng.nextBoolean();
    return switch (difficulty) {
      case 1 -> first ? line(rng) : choose(rng);
      case 2 -> first ? codes(rng) : podium(rng);
      default -> first ? twoGroups(rng) : multiples(rng);
    };
  }

  private static SyntheticProblem line(SplittableRandom rng) {
    int n = rng.nextInt(3, 7);
    long answer = fallingProduct(n, n);
    return problem(
        "In how many ways can " + n + " people stand in a line?",
        answer,
        1,
        List.of("The count is " + n + "! = " + factors(n, n), factors(n, n) + " = " + answer));
  }

  private static SyntheticProblem choose(SplittableRandom rng) {
    int n = rng.nextInt(4, 9);
    int k = rng.nextInt(2, 4);
    List<String> steps = new ArrayList<>();
    long answer = chooseSteps(n, k, steps);
    return problem(
        "In how many ways can you choose " + k + " of " + n + " books?", answer, 1, steps);
  }

  private static SyntheticProblem codes(SplittableRandom rng) {
    int n = rng.nextInt(2, 7);
    int k = rng.nextInt(2, 5);
    String product =
        LongStream.range(0, k)
            .mapToObj(i -> Integer.toString(n))
            .collect(Collectors.joining(" * "));
    long answer = (long) Math.pow(n, k);
    return problem(
        "How many " + k + " letter codes can be made from " + n + " letters if letters may repeat?",
        answer,
        2,
        List.of(
            "Each of the " + k + " places has " + n + " choices: " + product,
            product + " = " + answer));
  }

  private static SyntheticProblem podium(SplittableRandom rng) {
    int n = rng.nextInt(4, 11);
    int k = rng.nextInt(2, 4);
    String places =
        k == 2
            ? PLACES[0] + " and " + PLACES[1]
            : PLACES[0] + ", " + PLACES[1] + " and " + PLACES[2];
    long answer = fallingProduct(n, k);
    return problem(
        "In how many ways can " + n + " runners finish " + places + "?",
        answer,
        2,
        List.of(
            "The places are filled in order: " + factors(n, k), factors(n, k) + " = " + answer));
  }

  private static SyntheticProblem twoGroups(SplittableRandom rng) {
    int boys = rng.nextInt(4, 8);
    int girls = rng.nextInt(4, 8);
    int i = rng.nextInt(2, 4);
    int j = rng.nextInt(2, 4);
    List<String> steps = new ArrayList<>();
    long waysBoys = chooseSteps(boys, i, steps);
    long waysGirls = chooseSteps(girls, j, steps);
    long answer = waysBoys * waysGirls;
    steps.add(waysBoys + " * " + waysGirls + " = " + answer);
    return problem(
        "In how many ways can you pick "
            + i
            + " of "
            + boys
            + " boys and "
            + j
            + " of "
            + girls
            + " girls?",
        answer,
        3,
        steps);
  }

  private static SyntheticProblem multiples(SplittableRandom rng) {
    int[] primes = {2, 3, 5, 7};
    int a = rng.nextInt(primes.length);
    int b = (a + rng.nextInt(1, primes.length)) % primes.length;
    int p = Math.min(primes[a], primes[b]);
    int q = Math.max(primes[a], primes[b]);
    int n = rng.nextInt(20, 101);
    long byP = n / p;
    long byQ = n / q;
    long byBoth = n / (p * q);
    long answer = byP + byQ - byBoth;
    return problem(
        "How many integers from 1 to " + n + " are divisible by " + p + " or " + q + "?",
        answer,
        3,
        List.of(
            "Multiples of " + p + ": " + n + " / " + p + " rounded down = " + byP,
            "Multiples of " + q + ": " + n + " / " + q + " rounded down = " + byQ,
            "Multiples of both, " + p * q + ": " + byBoth,
            byP + " + " + byQ + " - " + byBoth + " = " + answer));
  }

  /** C(n, k) as n * (n-1) ... / k!, one step each for the product, the division and the result. */
  private static long chooseSteps(int n, int k, List<String> steps) {
    long top = fallingProduct(n, k);
    long bottom = fallingProduct(k, k);
    long answer = top / bottom;
    steps.add("C(" + n + ", " + k + ") = (" + factors(n, k) + ") / (" + factors(k, k) + ")");
    steps.add("(" + factors(n, k) + ") / (" + factors(k, k) + ") = " + top + " / " + bottom);
    steps.add(top + " / " + bottom + " = " + answer);
    return answer;
  }

  /** n * (n-1) * ... with k factors. */
  private static long fallingProduct(int n, int k) {
    return LongStream.range(0, k).map(i -> n - i).reduce(1, (x, y) -> x * y);
  }

  private static String factors(int n, int k) {
    return LongStream.range(0, k)
        .mapToObj(i -> Long.toString(n - i))
        .collect(Collectors.joining(" * "));
  }

  private static SyntheticProblem problem(
      String question, long answer, int difficulty, List<String> steps) {
    return new SyntheticProblem(
        question, Long.toString(answer), SyntheticFamily.COUNTING.id(), difficulty, steps);
  }
}
