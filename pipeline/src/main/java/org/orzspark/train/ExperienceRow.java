package org.orzspark.train;

import java.io.Serializable;

/**
 * One response's PPO training data: the per-response-token arrays have length {@code
 * response.responseLength()}.
 *
 * @param oldLogProbs log-probabilities of the response tokens under the policy that generated them
 * @param values critic values of the actions (the value of the state before each response token)
 * @param returns GAE returns
 * @param advantages GAE advantages (normalised over the iteration once the statistics are known)
 */
public record ExperienceRow(
    ScoredResponse response,
    float[] oldLogProbs,
    float[] values,
    float[] returns,
    float[] advantages)
    implements Serializable {

  public ExperienceRow {
    int n = response.responseLength();
    if (oldLogProbs.length != n
        || values.length != n
        || returns.length != n
        || advantages.length != n) {
      throw new IllegalArgumentException("experience arrays must have the response length " + n);
    }
  }

  public ExperienceRow withAdvantages(float[] normalised) {
    return new ExperienceRow(response, oldLogProbs, values, returns, normalised);
  }
}
