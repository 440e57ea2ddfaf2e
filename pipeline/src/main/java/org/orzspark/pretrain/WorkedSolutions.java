package org.orzspark.pretrain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.orzspark.tokenizer.SpecialTokens;

/**
 * Writes the completion that follows the template's {@code Assistant: <think>}: the solution steps,
 * then {@code </think> <answer> \boxed{answer} </answer>}, in the correct or a deliberately flawed
 * {@link SolutionStyle}. Pure functions of (steps, answer, random stream).
 */
public final class WorkedSolutions {

  /** {@code a op b = c} with integers, b possibly parenthesised when negative. */
  private static final Pattern BINARY_STEP =
      Pattern.compile("(-?\\d+) ([-+*/]) \\(?(-?\\d+)\\)? = (-?\\d+)");

  private static final Pattern TRAILING_INTEGER = Pattern.compile("(-?\\d+)$");
  private static final Pattern INTEGER = Pattern.compile("-?\\d+");
  private static final Pattern FRACTION = Pattern.compile("(-?\\d+)/(\\d+)");
  private static final int MAX_OFFSET = 5;

  private WorkedSolutions() {}

  /** A written completion and the style it was written in (after any fallback). */
  public record Written(String completion, SolutionStyle style) {}

  /**
   * The completion of {@code steps}/{@code answer} in {@code style}. When a flaw cannot be applied
   * (no intermediate result feeds the answer; an answer of unknown shape) the nearest applicable
   * style is used and returned: WRONG_INTERMEDIATE falls back to ANSWER_OFF, ANSWER_OFF to
   * UNFORMATTED.
   */
  public static Written write(
      List<String> steps, String answer, SolutionStyle style, SplittableRandom random) {
    return switch (style) {
      case CORRECT -> new Written(formatted(steps, answer), style);
      case WRONG_INTERMEDIATE ->
          carryWrongIntermediate(steps, answer, random)
              .map(carried -> new Written(formatted(carried.steps(), carried.answer()), style))
              .orElseGet(() -> write(steps, answer, SolutionStyle.ANSWER_OFF, random));
      case ANSWER_OFF ->
          offByALittle(answer, random)
              .map(off -> new Written(formatted(steps, off), style))
              .orElseGet(() -> write(steps, answer, SolutionStyle.UNFORMATTED, random));
      case BROKEN_TAG -> new Written(brokenTag(formatted(steps, answer), random), style);
      case UNFORMATTED -> new Written(unformatted(steps, answer, random), style);
    };
  }

  /** {@code " s1. s2. </think> <answer> \boxed{answer} </answer>"}. */
  public static String formatted(List<String> steps, String answer) {
    return reasoning(steps)
        + " "
        + SpecialTokens.THINK_CLOSE
        + " "
        + SpecialTokens.ANSWER_OPEN
        + " \\boxed{"
        + answer
        + "} "
        + SpecialTokens.ANSWER_CLOSE;
  }

  /**
   * A different answer close to {@code answer}: an integer moved by ±1..5, a fraction's numerator
   * moved by ±1..5, yes/no and A/B swapped; empty for any other shape.
   */
  static Optional<String> offByALittle(String answer, SplittableRandom random) {
    if (INTEGER.matcher(answer).matches()) {
      return Optional.of(new BigInteger(answer).add(BigInteger.valueOf(offset(random))).toString());
    }
    Matcher fraction = FRACTION.matcher(answer);
    if (fraction.matches()) {
      BigInteger numerator =
          new BigInteger(fraction.group(1)).add(BigInteger.valueOf(offset(random)));
      return Optional.of(numerator + "/" + fraction.group(2));
    }
    return switch (answer) {
      case "yes" -> Optional.of("no");
      case "no" -> Optional.of("yes");
      case "A" -> Optional.of("B");
      case "B" -> Optional.of("A");
      default -> Optional.empty();
    };
  }

  /** Steps and answer after a wrong intermediate result was carried through. */
  record Carried(List<String> steps, String answer) {}

  /**
   * Moves the result of one intermediate step by ±1..5 and recomputes every later {@code a op b =
   * c} step that consumes it (each result is consumed once, by the first later step naming it), so
   * the final answer is wrong in the way a slip early in a calculation makes it wrong. Empty when
   * no intermediate result reaches the answer through such steps (e.g. the chain passes a step of
   * another shape, or a division stops being exact).
   */
  static Optional<Carried> carryWrongIntermediate(
      List<String> steps, String answer, SplittableRandom random) {
    int last = steps.size() - 1;
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < last; i++) {
      if (TRAILING_INTEGER.matcher(steps.get(i)).find()) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty() || !answer.equals(trailingInteger(steps.get(last)))) {
      return Optional.empty();
    }
    int first = candidates.get(random.nextInt(candidates.size()));
    Matcher result = TRAILING_INTEGER.matcher(steps.get(first));
    result.find();
    long wrong = Long.parseLong(result.group(1)) + offset(random);
    List<String> out = new ArrayList<>(steps);
    out.set(first, steps.get(first).substring(0, result.start()) + wrong);
    // Pending substitutions: a correct value still to be consumed -> the wrong value replacing it.
    Map<Long, Long> pending = new HashMap<>();
    pending.put(Long.parseLong(result.group(1)), wrong);
    for (int j = first + 1; j <= last && !pending.isEmpty(); j++) {
      Matcher step = BINARY_STEP.matcher(steps.get(j));
      if (!step.matches()) {
        return Optional.empty();
      }
      long a = Long.parseLong(step.group(1));
      long b = Long.parseLong(step.group(3));
      char op = step.group(2).charAt(0);
      long newA = pending.containsKey(a) ? pending.remove(a) : a;
      long newB = pending.containsKey(b) ? pending.remove(b) : b;
      if (newA == a && newB == b) {
        continue;
      }
      if (op == '/' && (newB == 0 || newA % newB != 0)) {
        return Optional.empty();
      }
      long c = Long.parseLong(step.group(4));
      long newC = apply(op, newA, newB);
      out.set(j, newA + " " + op + " " + (newB < 0 ? "(" + newB + ")" : newB) + " = " + newC);
      if (newC != c) {
        pending.put(c, newC);
      }
    }
    String newAnswer = trailingInteger(out.get(last));
    return newAnswer.equals(answer) ? Optional.empty() : Optional.of(new Carried(out, newAnswer));
  }

  /** The formatted completion with one tag dropped or written as plain text. */
  static String brokenTag(String completion, SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> completion.replace(" " + SpecialTokens.THINK_CLOSE, "");
      case 1 -> completion.replace(SpecialTokens.ANSWER_OPEN + " ", "");
      case 2 -> completion.replace(" " + SpecialTokens.ANSWER_CLOSE, "");
      default -> completion.replace(SpecialTokens.ANSWER_OPEN, "Answer:");
    };
  }

  /** The steps and the answer without the answer format: no tags at all, or no {@code \boxed{}}. */
  static String unformatted(List<String> steps, String answer, SplittableRandom random) {
    if (random.nextBoolean()) {
      return reasoning(steps) + " So the answer is " + answer + ".";
    }
    return reasoning(steps)
        + " "
        + SpecialTokens.THINK_CLOSE
        + " "
        + SpecialTokens.ANSWER_OPEN
        + " "
        + answer
        + " "
        + SpecialTokens.ANSWER_CLOSE;
  }

  private static String reasoning(List<String> steps) {
    return " " + String.join(". ", steps) + ".";
  }

  private static String trailingInteger(String step) {
    Matcher matcher = TRAILING_INTEGER.matcher(step);
    return matcher.find() ? matcher.group(1) : "";
  }

  /** A nonzero offset in -5..-1 or 1..5. */
  private static long offset(SplittableRandom random) {
    long magnitude = random.nextInt(1, MAX_OFFSET + 1);
    return random.nextBoolean() ? magnitude : -magnitude;
  }

  private static long apply(char op, long a, long b) {
    return switch (op) {
      case '+' -> a + b;
      case '-' -> a - b;
      case '*' -> a * b;
      case '/' -> a / b;
      default -> throw new IllegalArgumentException("operator " + op);
    };
  }
}
