package org.orzspark.pretrain;

import org.orzspark.reward.extract.OrzAnswerExtractor;
import org.orzspark.tokenizer.SpecialTokens;

/**
 * Whether a response follows the Open-Reasoner-Zero output format: the format rate the base model
 * is calibrated on and RL is expected to raise (the reward itself has no format term).
 *
 * <p>The response is untrusted model text; every scan below is a linear {@code indexOf}.
 */
public final class OrzFormat {

  private OrzFormat() {}

  /**
   * Whether the response (the text after the template's {@code <think>}) is reasoning, one {@code
   * </think>}, then {@code <answer>} holding a {@code \boxed{…}} answer, and {@code </answer>} at
   * the end, with no other tag.
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
        && text.indexOf(SpecialTokens.ANSWER_CLOSE)
            == text.length() - SpecialTokens.ANSWER_CLOSE.length()
        && OrzAnswerExtractor.fromResponse(text) != null;
  }
}
