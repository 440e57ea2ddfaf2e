package org.orzspark.reward.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Families of answers written to make a verifier hang, allocate without bound or answer differently
 * under load: the kind of text a policy produces in its first iterations, and the kind a careless
 * dataset holds as a gold answer. The hostile-input tests run every answer as a prediction and as a
 * gold answer, and {@code orz bench verify} reports the worst cost of each family.
 */
public final class AdversarialCorpus {
  private AdversarialCorpus() {}

  /** A gold answer and a prediction, both bare LaTeX, of one family. */
  public record Pair(String family, String gold, String pred) {}

  /**
   * Every answer {@code a} of every family as a prediction against {@code 5}, as a gold answer
   * against {@code 5}, and against the next answer of its family as the prediction (so that two
   * hostile answers meet, e.g. two sets whose items only the CAS could compare).
   */
  public static List<Pair> pairs() {
    List<Pair> pairs = new ArrayList<>();
    families()
        .forEach(
            (family, answers) -> {
              for (int i = 0; i < answers.size(); i++) {
                String a = answers.get(i);
                pairs.add(new Pair(family, "5", a));
                pairs.add(new Pair(family, a, "5"));
                pairs.add(new Pair(family, a, answers.get((i + 1) % answers.size())));
              }
            });
    return pairs;
  }

  /** Family name → its answers (bare LaTeX, as they would stand inside {@code \boxed{}}). */
  public static Map<String, List<String>> families() {
    Map<String, List<String>> families = new LinkedHashMap<>();
    families.put(
        "huge binomials",
        List.of(
            "\\binom{5}{10^{10}}",
            "\\binom{10^{10}}{5}",
            "\\binom{10^{10}}{10^{10}-1}",
            "\\binom{1000}{500}",
            "\\binom{4000}{2000}",
            "\\binom{100000}{50000}",
            "\\binom{2^{40}}{2^{39}}",
            "\\binom{x}{10^{9}}",
            "\\binom{5}{-10^{12}}",
            "\\dbinom{10^{8}}{3}+1",
            "{10^{10} \\choose 5}"));
    families.put(
        "huge factorials",
        List.of(
            "10^{10}!",
            "(10^{8})!",
            "2000!",
            "5000!",
            "(2^{31}+1)!",
            "((10)!)!",
            "1" + "0".repeat(3000) + "!",
            "x^{10^{9}}!",
            "\\frac{10^{9}!}{(10^{9}-1)!}"));
    families.put(
        "power towers",
        List.of(
            "10^{10^{10}}",
            "2^{2^{2^{2^{2^{2}}}}}",
            "9^{9^{9}}",
            "(-1)^{10^{100}}",
            "0^{10^{100}}",
            "1.0000001^{10^{12}}",
            "\\left(\\frac{3}{2}\\right)^{100000}",
            "(x+1)^{100000}",
            "(x+y+z+1)^{60}",
            "e^{e^{e^{e^{10}}}}",
            "\\sqrt[10^{9}]{2}",
            "2^{\\frac{1}{10^{9}}}",
            "x^{".repeat(40) + "2" + "}".repeat(40)));
    families.put(
        "nested sums and products",
        List.of(
            "\\sum_{k=1}^{1000} \\sum_{j=1}^{1000} \\sum_{i=1}^{1000} i j k",
            "\\sum_{k=1}^{10^{9}} k",
            "\\prod_{k=1}^{10^{6}} k",
            "\\sum_{k=1}^{n} k^{1000}",
            "\\prod_{j=1}^{1000} (x+j)",
            "\\sum_{k=0}^{1000} \\binom{1000}{k}",
            casOnlySet(40, 0),
            casOnlySet(40, 1),
            "\\sum_{k=0}^{900} \\binom{900}{k} x^{k}"));
    families.put(
        "powers of functions",
        List.of(
            "\\sin^{1000}(x)+\\cos^{1000}(x)",
            "\\sin^{1000}(x)+\\cos^{999}(x)",
            "\\tan^{500}(x)\\cot^{500}(x)",
            "\\ln^{300}(x)",
            "\\sin(\\sin(\\sin(\\sin(\\sin(\\sin(\\sin(\\sin(x))))))))^{64}"));
    families.put(
        "long chains",
        List.of(
            "1+".repeat(100_000) + "1",
            "1 - ".repeat(50_000) + "1",
            "x+".repeat(1_000) + "x",
            "\\frac{1}{2}\\cdot".repeat(1_500) + "1",
            "1,".repeat(50_000) + "1",
            "(1,2),".repeat(600) + "(1,2)",
            "\\{" + "1,".repeat(2_000) + "1\\}",
            "x=1,".repeat(500) + "x=1",
            "\\pm 1".repeat(200),
            "1 000" + " 000".repeat(8_000),
            "1+".repeat(16_000),
            ",".repeat(100_000),
            "$" + ", and ".repeat(600) + "$",
            "<answer>\\boxed{" + "1+".repeat(300_000) + "1}</answer>",
            "x".repeat(1_000_000)));
    families.put(
        "deep nesting",
        List.of(
            "(".repeat(100) + "x" + ")".repeat(100),
            "\\frac{".repeat(500),
            "{".repeat(5_000) + "1" + "}".repeat(4_000),
            "\\sqrt{".repeat(300) + "2" + "}".repeat(300),
            "\\left(".repeat(40) + "1" + "\\right)".repeat(40),
            "\\{\\{\\{\\{\\{\\{\\{\\{\\{\\{1\\}\\}\\}\\}\\}\\}\\}\\}\\}\\}",
            "\\begin{pmatrix}" + "1&".repeat(60) + "1\\\\".repeat(60) + "\\end{pmatrix}",
            "\\begin{pmatrix}1&1\\\\1&0\\end{pmatrix}".repeat(60),
            "\\begin{pmatrix}x&1&0\\\\1&x&1\\\\0&1&x\\end{pmatrix}".repeat(30)));
    families.put(
        "long digit strings",
        List.of(
            "9".repeat(5_000),
            "1" + "0".repeat(20_000),
            "0." + "3".repeat(10_000),
            "1e" + "9".repeat(30),
            "1.5\\times 10^{" + "9".repeat(20) + "}",
            "\\frac{" + "7".repeat(3_000) + "}{" + "3".repeat(3_000) + "}",
            "\\sqrt{" + "4".repeat(3_000) + "}"));
    families.put(
        "unicode look-alikes",
        List.of(
            "\uFF11\uFF12",
            "\u0661\u0662\u0663",
            "\u00BD",
            "x\u00B2",
            "\u221A2",
            "\u2212 5",
            "\u03C0",
            "\u2070\u00B9\u00B2",
            "1\u200B0",
            "\u0031\u0301"));
    families.put(
        "lone surrogates",
        List.of("\uD800", "1\uDC00", "\\frac{\uD83D}{2}", "\uDFFF\uD800x", "\\boxed{\uD800}"));
    families.put(
        "control bytes",
        List.of(
            "\u0000",
            "5\u0000",
            "\u0000".repeat(10_000),
            "\\frac{1}{\u0000}",
            "1\u0007\u001B[31m2",
            "\uFFFD\uFFFE\uFFFF",
            "\text{13}",
            "\\\frac{1}{2}"));
    return families;
  }

  /**
   * A set whose items only the CAS can compare (sums with a variable, which probing cannot
   * evaluate): matched against the set shifted by {@code shift}, every pair would go to the CAS.
   */
  private static String casOnlySet(int items, int shift) {
    StringBuilder sb = new StringBuilder("\\{");
    for (int i = 1; i <= items; i++) {
      int n = 20 + i + shift;
      sb.append(i > 1 ? "," : "")
          .append("\\sum_{k=0}^{")
          .append(n)
          .append("} \\binom{")
          .append(n)
          .append("}{k} x^{k}");
    }
    return sb.append("\\}").toString();
  }
}
