package org.orzspark.datasets.curate.filter;

import org.orzspark.datasets.PromptRecord;
import org.orzspark.reward.latex.LatexParseException;
import org.orzspark.reward.latex.LatexParser;
import org.orzspark.reward.verify.MathVerifier;

/**
 * Answers the reward verifier cannot read into something it compares: blank, longer than {@link
 * MathVerifier#MAX_ANSWER_CHARS} (compared as strings only), or not parsed by the verifier's LaTeX
 * parser ({@link LatexParser#parseLatex}, bounded in length and depth). Such prompts would be
 * rewarded only for a character-identical answer.
 */
public final class UnverifiableAnswerRule implements PromptRule {

  public static final String CODE = "unverifiable";

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public boolean drops(PromptRecord prompt) {
    String answer = prompt.answer().strip();
    if (answer.isEmpty() || answer.length() > MathVerifier.MAX_ANSWER_CHARS) {
      return true;
    }
    try {
      LatexParser.parseLatex(answer);
      return false;
    } catch (LatexParseException | StackOverflowError notParsed) {
      return true;
    }
  }
}
