package org.orzspark.reward;

import org.orzspark.reward.extract.OrzAnswerExtractor;
import org.orzspark.reward.verify.MathVerifier;
import org.orzspark.reward.verify.Verdict;
import org.orzspark.reward.verify.VerifyOptions;

/**
 * The Open-Reasoner-Zero reward: 1 when the response finished, has an {@code <answer>} block with a
 * {@code \boxed{}} answer, and that answer equals the reference answer; else 0. No format reward.
 */
public final class OrzReward {
  private OrzReward() {}

  /** The verdict behind the reward (with the reason when it is 0 for a technical cause). */
  public static Verdict judge(
      String response, String groundTruth, boolean finished, VerifyOptions options) {
    if (response == null || !finished) {
      return Verdict.failed(Verdict.NO_ANSWER);
    }
    String answer = OrzAnswerExtractor.fromResponse(response);
    if (answer == null) {
      return Verdict.failed(Verdict.NO_ANSWER);
    }
    return MathVerifier.verifyAnswers(
        OrzAnswerExtractor.fromGroundTruth(groundTruth), answer, options);
  }

  /** 1.0 or 0.0 (see the class comment). */
  public static float score(
      String response, String groundTruth, boolean finished, VerifyOptions options) {
    return judge(response, groundTruth, finished, options).equal() ? 1f : 0f;
  }
}
