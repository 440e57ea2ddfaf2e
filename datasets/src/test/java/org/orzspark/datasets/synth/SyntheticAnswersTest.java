package org.orzspark.datasets.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.SharedSpark;

/**
 * Recomputes every family's answers independently of the generators: expressions are evaluated by
 * Spark SQL from the question text, counting questions by brute-force enumeration.
 */
class SyntheticAnswersTest {

  private static final int PER_FAMILY = 60;

  @Test
  void arithmeticAnswersEqualSparkSqlEvaluation() {
    List<SyntheticProblem> problems = generate("arithmetic");
    List<String> expressions = extract(problems, "Compute (.+)\\.");
    double[] values = evaluate(expressions);
    for (int i = 0; i < problems.size(); i++) {
      assertThat(values[i])
          .as(problems.get(i).question())
          .isEqualTo(Long.parseLong(problems.get(i).answer()));
    }
  }

  @Test
  void linearAnswersSatisfyTheEquation() {
    List<SyntheticProblem> problems = generate("linear");
    List<String> differences = new ArrayList<>();
    for (SyntheticProblem p : problems) {
      String equation = single(p.question(), "Solve for x: (.+)\\.");
      String x = "(" + p.answer() + ")";
      String substituted = equation.replaceAll("(\\d)x", "$1*x").replace("x", x);
      String[] sides = substituted.split("=");
      differences.add("(" + sides[0] + ") - (" + sides[1] + ")");
    }
    assertThat(evaluate(differences)).containsOnly(0.0);
  }

  @Test
  void modularAnswersEqualSparkSqlPmod() {
    List<SyntheticProblem> problems = generate("modular");
    List<String> expressions = new ArrayList<>();
    for (SyntheticProblem p : problems) {
      Matcher m = match(p.question(), "What is the remainder when (.+) is divided by (\\d+)\\?");
      expressions.add("pmod(" + m.group(1) + ", " + m.group(2) + ")");
    }
    double[] values = evaluate(expressions);
    for (int i = 0; i < problems.size(); i++) {
      assertThat(values[i]).isEqualTo(Long.parseLong(problems.get(i).answer()));
    }
  }

  @Test
  void fractionAnswersAreReducedAndEqualSparkSqlEvaluation() {
    List<SyntheticProblem> problems = generate("fractions");
    double[] values = evaluate(extract(problems, "Compute (.+)\\."));
    for (int i = 0; i < problems.size(); i++) {
      String answer = problems.get(i).answer();
      String[] parts = answer.split("/");
      long num = Long.parseLong(parts[0]);
      long den = parts.length == 2 ? Long.parseLong(parts[1]) : 1;
      if (parts.length == 2) {
        assertThat(den).isGreaterThan(1);
        assertThat(BigInteger.valueOf(num).gcd(BigInteger.valueOf(den))).isEqualTo(BigInteger.ONE);
      }
      assertThat(values[i])
          .as(problems.get(i).question())
          .isCloseTo(num / (double) den, within(1e-12));
    }
  }

  @Test
  void countingAnswersEqualBruteForceEnumeration() {
    for (SyntheticProblem p : generate("counting")) {
      String q = p.question();
      long expected;
      if (q.contains("people stand in a line")) {
        int n = number(q, "can (\\d+) people");
        expected = sequences(n, n, true);
      } else if (q.contains("books")) {
        Matcher m = match(q, "choose (\\d+) of (\\d+) books");
        expected = subsets(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)));
      } else if (q.contains("letter codes")) {
        Matcher m = match(q, "How many (\\d+) letter codes can be made from (\\d+) letters");
        expected = sequences(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)), false);
      } else if (q.contains("runners")) {
        int n = number(q, "can (\\d+) runners");
        expected = sequences(n, q.contains("third") ? 3 : 2, true);
      } else if (q.contains("boys")) {
        Matcher m = match(q, "pick (\\d+) of (\\d+) boys and (\\d+) of (\\d+) girls");
        expected =
            subsets(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)))
                * subsets(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(3)));
      } else {
        Matcher m = match(q, "from 1 to (\\d+) are divisible by (\\d+) or (\\d+)");
        int n = Integer.parseInt(m.group(1));
        int a = Integer.parseInt(m.group(2));
        int b = Integer.parseInt(m.group(3));
        expected = 0;
        for (int k = 1; k <= n; k++) {
          expected += k % a == 0 || k % b == 0 ? 1 : 0;
        }
      }
      assertThat(p.answer()).as(q).isEqualTo(Long.toString(expected));
    }
  }

  @Test
  void comparisonAnswersEqualSparkSqlComparison() {
    List<SyntheticProblem> problems = generate("comparison");
    List<String> firstIsLarger = new ArrayList<>();
    for (SyntheticProblem p : problems) {
      Matcher yesNo = Pattern.compile("Is (\\d+) greater than (\\d+)\\?").matcher(p.question());
      if (yesNo.find()) {
        firstIsLarger.add("IF(" + yesNo.group(1) + " > " + yesNo.group(2) + ", 1, 0)");
      } else {
        Matcher ab =
            match(p.question(), "Which is larger: A = (.+) or B = (.+)\\? Answer A or B\\.");
        firstIsLarger.add("IF(" + ab.group(1) + " > " + ab.group(2) + ", 1, 0)");
      }
    }
    double[] values = evaluate(firstIsLarger);
    for (int i = 0; i < problems.size(); i++) {
      String answer = problems.get(i).answer();
      boolean first = answer.equals("yes") || answer.equals("A");
      assertThat(values[i]).as(problems.get(i).question()).isEqualTo(first ? 1.0 : 0.0);
    }
  }

  private static List<SyntheticProblem> generate(String family) {
    List<SyntheticProblem> problems = SyntheticTasks.generate(List.of(family), PER_FAMILY, 2024);
    assertThat(problems.stream().map(SyntheticProblem::difficulty).distinct()).hasSize(3);
    return problems;
  }

  /** Evaluates SQL expressions in one Spark query, each cast to double. */
  private static double[] evaluate(List<String> expressions) {
    String select =
        expressions.stream()
            .map(e -> "CAST(" + e + " AS DOUBLE)")
            .collect(Collectors.joining(", "));
    Row row = SharedSpark.session().sql("SELECT " + select).first();
    double[] values = new double[expressions.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.getDouble(i);
    }
    return values;
  }

  private static List<String> extract(List<SyntheticProblem> problems, String regex) {
    return problems.stream().map(p -> single(p.question(), regex)).toList();
  }

  private static String single(String text, String regex) {
    return match(text, regex).group(1);
  }

  private static int number(String text, String regex) {
    return Integer.parseInt(single(text, regex));
  }

  private static Matcher match(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("'%s' matches %s", text, regex).isTrue();
    return m;
  }

  /** Number of length-k sequences over n symbols, with or without repeated symbols, enumerated. */
  private static long sequences(int n, int k, boolean distinct) {
    return extend(n, k, distinct, new boolean[n]);
  }

  private static long extend(int n, int remaining, boolean distinct, boolean[] used) {
    if (remaining == 0) {
      return 1;
    }
    long count = 0;
    for (int s = 0; s < n; s++) {
      if (distinct && used[s]) {
        continue;
      }
      used[s] = true;
      count += extend(n, remaining - 1, distinct, used);
      used[s] = false;
    }
    return count;
  }

  /** Number of k-element subsets of n items, by enumerating all bit masks. */
  private static long subsets(int n, int k) {
    long count = 0;
    for (int mask = 0; mask < 1 << n; mask++) {
      count += Integer.bitCount(mask) == k ? 1 : 0;
    }
    return count;
  }
}
