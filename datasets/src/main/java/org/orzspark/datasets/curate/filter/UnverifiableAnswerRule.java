package org.orzspark.datasets.curate.filter;

import org.orzspark.datasets.PromptRecord;
import org.orzspark.reward.latex.LatexParseException;
import org.orzspark.reward.latex.LatexParser;
import org.orzspark.reward.verify.MathVerifier;
import org.orzspark.reward.verify.VerifyOptions;

/**
 * Answers the reward verifier cannot read into something it compares: blank, longer than {@link
 * MathVerifier#MAX_ANSWER_CHARS} (compared as strings only), not parsed by the verifier's LaTeX
 * parser ({@link LatexParser#parseLatex}, bounded in length and depth), or too large to compare at
 * all (a comparison with a plain number ends in {@code too-large}, {@code timeout} or {@code
 * internal-error}, as {@code \binom{5}{10^{10}}} does). Such prompts would be rewarded only for a
 * character-identical answer.
 */
public final class UnverifiableAnswerRule implements PromptRule {

  public static final String CODE = "unverifiable";

  /** Any comparison the verifier cannot finish means the answer cannot earn a reward by value. */
  private static final String PROBE = "0";

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
    } catch (LatexParseException | StackOverflowError notParsed) {
      return true;
    }
    return MathVerifier.verifyAnswers(answer, PROBE, VerifyOptions.DEFAULTS).reason() != null;
  }
}
