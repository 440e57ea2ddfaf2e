package org.orzspark.reward;

import java.util.regex.Pattern;

/**
 * Format following in the ORZ template: the prompt ends with {@code Assistant: <think>}, so a
 * well-formed response continues that reasoning, closes it once, and gives one answer block:
 *
 * <pre>  reasoning </think> <answer> answer </answer></pre>
 *
 * with nothing but whitespace after {@code </answer>}. A response that repeats the opening
 * {@code <think>} tag first is accepted too (base models often echo it). Used for the
 * format-following rate; the reward itself has no format term.
 */
public final class OrzFormat {
  /** Longer responses are judged on their length alone: never parse unbounded model output. */
  public static final int MAX_CHARS = 1 << 20;

  private static final Pattern WELL_FORMED =
      Pattern.compile(
          "\\s*(?:<think>)?(?:(?!<think>|</think>|<answer>|</answer>).)*</think>\\s*"
              + "<answer>(?:(?!<think>|</think>|<answer>|</answer>).)*</answer>\\s*",
          Pattern.DOTALL);

  private OrzFormat() {}

  /** Whether {@code response} is {@code reasoning </think> <answer> … </answer>}; false for null. */
  public static boolean wellFormed(String response) {
    return response != null && response.length() <= MAX_CHARS
        && WELL_FORMED.matcher(response).matches();
  }
}
