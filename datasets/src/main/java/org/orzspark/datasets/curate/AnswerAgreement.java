package org.orzspark.datasets.curate;

import org.orzspark.reward.verify.MathVerifier;
import org.orzspark.reward.verify.VerifyOptions;

/**
 * Whether two ground-truth answers of the same question agree, judged by the reward verifier (so
 * {@code 1/2} and {@code \frac{1}{2}} agree); the verifier is bounded in time and never throws.
 */
public final class AnswerAgreement {

  private AnswerAgreement() {}

  public static boolean agree(String a, String b) {
    return MathVerifier.verifyAnswers(a, b, VerifyOptions.DEFAULTS).equal();
  }
}
