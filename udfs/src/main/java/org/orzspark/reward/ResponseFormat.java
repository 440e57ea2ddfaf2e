package org.orzspark.reward;

import org.orzspark.reward.extract.OrzAnswerExtractor;

/**
 * The ORZ format check ("format-following rate"): whether a response, the text the policy wrote
 * after the template's {@code Assistant: <think>}, reads {@code reasoning </think> <answer> …
 * \boxed{…} … </answer>}: exactly one {@code </think>}, no {@code <think>} of its own, only
 * whitespace between {@code </think>} and the single {@code <answer>}, {@code </answer>} last (a
 * trailing end-of-text token and whitespace allowed), and a {@code \boxed{}} answer that the
 * reward's extraction finds. It says nothing about correctness; the reward has no format term.
 *
 * <p>The response is untrusted model text: every scan is a linear {@code indexOf}.
 */
public final class ResponseFormat {
  static final String THINK_OPEN = "<think>";
  static final String THINK_CLOSE = "</think>";
  static final String ANSWER_OPEN = "<answer>";
  static final String ANSWER_CLOSE = "</answer>";

  /** Qwen2's end-of-text token, present when a response is decoded with special tokens kept. */
  static final String END_OF_TEXT = "<|endoftext|>";

  private ResponseFormat() {}

  /** Whether {@code response} follows the format (false for null). */
  public static boolean isWellFormed(String response) {
    if (response == null) {
      return false;
    }
    String text = response.strip();
    if (text.endsWith(END_OF_TEXT)) {
      text = text.substring(0, text.length() - END_OF_TEXT.length()).strip();
    }
    int thinkClose = text.indexOf(THINK_CLOSE);
    int afterThink = thinkClose + THINK_CLOSE.length();
    int answerOpen = text.indexOf(ANSWER_OPEN);
    return thinkClose >= 0
        && answerOpen >= afterThink
        && !text.contains(THINK_OPEN)
        && text.indexOf(THINK_CLOSE, afterThink) < 0
        && text.substring(afterThink, answerOpen).isBlank()
        && text.indexOf(ANSWER_OPEN, answerOpen + 1) < 0
        && text.indexOf(ANSWER_CLOSE) == text.length() - ANSWER_CLOSE.length()
        && OrzAnswerExtractor.fromResponse(text) != null;
  }
}
