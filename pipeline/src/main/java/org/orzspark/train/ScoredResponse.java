package org.orzspark.train;

import java.io.Serializable;

/**
 * A scored response as the experience stage needs it.
 *
 * @param promptId the prompt's id
 * @param sampleIndex the sample's index within the prompt
 * @param tokens prompt tokens followed by response tokens
 * @param promptLength how many of {@code tokens} are the prompt
 * @param reward the scalar reward, placed on the last response token
 */
public record ScoredResponse(
    String promptId, int sampleIndex, int[] tokens, int promptLength, float reward)
    implements Serializable {

  public ScoredResponse {
    if (promptLength <= 0 || promptLength >= tokens.length) {
      throw new IllegalArgumentException(
          "response "
              + promptId
              + "#"
              + sampleIndex
              + " needs a non-empty prompt and response: "
              + promptLength
              + " of "
              + tokens.length);
    }
  }

  public int responseLength() {
    return tokens.length - promptLength;
  }
}
