package org.orzspark.pretrain;

import java.util.Optional;
import org.orzspark.tokenizer.SpecialTokens;

/**
 * Scores a response for the base model's held-out evaluation: the reference implementation's
 * extraction (inside the last {@code <answer>…</answer>} block, the last brace-matched {@code
 * \boxed{…}}) compared to the reference answer as an exact string. A stand-in for the project's ORZ
 * reward (math equivalence in {@code udfs}) until that is merged; synthetic answers are canonical
 * (integers, reduced fractions, yes/no), so exact comparison rarely differs from it here.
 *
 * <p>The response is untrusted model text; every scan below is a linear {@code indexOf}.
 */
public final class ExactAnswerCheck {

  private static final String BOXED = "\\boxed{";

  private ExactAnswerCheck() {}

  /** 1 when the extracted answer equals {@code reference} (both trimmed), else 0. */
  public static boolean isCorrect(String response, String reference) {
    return extractAnswer(response).map(a -> a.equals(reference.trim())).orElse(false);
  }

  /** The last {@code \boxed{…}} inside the last {@code <answer>…</answer>} block, trimmed. */
  public static Optional<String> extractAnswer(String response) {
    int close = response.lastIndexOf(SpecialTokens.ANSWER_CLOSE);
    if (close < 0) {
      return Optional.empty();
    }
    int open = response.lastIndexOf(SpecialTokens.ANSWER_OPEN, close);
    if (open < 0) {
      return Optional.empty();
    }
    String block = response.substring(open + SpecialTokens.ANSWER_OPEN.length(), close);
    int boxed = block.lastIndexOf(BOXED);
    if (boxed < 0) {
      return Optional.empty();
    }
    int depth = 1;
    for (int i = boxed + BOXED.length(); i < block.length(); i++) {
      char c = block.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return Optional.of(block.substring(boxed + BOXED.length(), i).trim());
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the response (the text after the template's {@code <think>}) follows the ORZ format:
   * reasoning, one {@code </think>}, then {@code <answer>} with a {@code \boxed{…}} answer and
   * {@code </answer>} at the end, and no other tag.
   */
  public static boolean isWellFormed(String response) {
    String text = response.replace(SpecialTokens.END_OF_TEXT, "").strip();
    int thinkClose = text.indexOf(SpecialTokens.THINK_CLOSE);
    int answerOpen = text.indexOf(SpecialTokens.ANSWER_OPEN);
    if (thinkClose < 0 || answerOpen < thinkClose || text.contains(SpecialTokens.THINK_OPEN)) {
      return false;
    }
    int afterThink = thinkClose + SpecialTokens.THINK_CLOSE.length();
    return text.substring(afterThink, answerOpen).isBlank()
        && text.indexOf(SpecialTokens.THINK_CLOSE, afterThink) < 0
        && text.indexOf(SpecialTokens.ANSWER_OPEN, answerOpen + 1) < 0
        && text.indexOf(SpecialTokens.ANSWER_CLOSE) == text.length() - SpecialTokens.ANSWER_CLOSE.length()
        && extractAnswer(text).isPresent();
  }
}
