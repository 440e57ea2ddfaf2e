package org.orzspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.orzspark.model.CriticModel;
import org.orzspark.model.GradMode;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.TokenBatch;
import org.orzspark.ppo.Gae;

/**
 * The experience of scored responses: the generating policy's log-probabilities of the response
 * tokens, the critic's action values, and GAE advantages and returns (not yet normalised: the
 * statistics are global over the iteration and come from a Spark aggregate). No autograd.
 */
public final class ExperienceComputer {
  private final PolicyModel policy;
  private final CriticModel critic;
  private final int tokenBudget;
  private final double gamma;
  private final double lambda;

  public ExperienceComputer(
      PolicyModel policy, CriticModel critic, int tokenBudget, double gamma, double lambda) {
    this.policy = policy;
    this.critic = critic;
    this.tokenBudget = tokenBudget;
    this.gamma = gamma;
    this.lambda = lambda;
  }

  /** One experience row per response, in the order of {@code responses}. */
  public List<ExperienceRow> compute(List<ScoredResponse> responses, NDManager parent) {
    return compute(responses, parent, sequences -> {});
  }

  /**
   * One experience row per response, in the order of {@code responses}; {@code batchDone} hears how
   * many sequences each finished micro-batch held (for a progress bar).
   */
  public List<ExperienceRow> compute(
      List<ScoredResponse> responses, NDManager parent, IntConsumer batchDone) {
    ExperienceRow[] out = new ExperienceRow[responses.size()];
    int[] all = java.util.stream.IntStream.range(0, responses.size()).toArray();
    try (GradMode off = GradMode.disabled()) {
      for (int[] rows : MicroBatches.plan(responses, all, tokenBudget)) {
        try (NDManager scope = parent.newSubManager()) {
          TokenBatch batch = MicroBatches.tokens(responses, rows);
          int length = batch.length();
          float[] logProbs = policy.tokenLogProbs(batch, scope).toFloatArray();
          NDArray values = MicroBatches.actionValues(critic.values(batch, scope));
          NDArray mask = MicroBatches.responseMask(scope, responses, rows, length);
          float[] rewards = new float[rows.length];
          for (int i = 0; i < rows.length; i++) {
            rewards[i] = responses.get(rows[i]).reward();
          }
          NDArray tokenRewards = Gae.terminalRewards(mask, scope.create(rewards));
          Gae.Result gae = Gae.compute(tokenRewards, values, mask, null, gamma, lambda);
          float[] hostValues = values.toFloatArray();
          float[] advantages = gae.advantages().toFloatArray();
          float[] returns = gae.returns().toFloatArray();
          for (int i = 0; i < rows.length; i++) {
            ScoredResponse response = responses.get(rows[i]);
            out[rows[i]] =
                new ExperienceRow(
                    response,
                    MicroBatches.responsePart(logProbs, length, i, response),
                    MicroBatches.responsePart(hostValues, length, i, response),
                    MicroBatches.responsePart(returns, length, i, response),
                    MicroBatches.responsePart(advantages, length, i, response));
          }
        }
        batchDone.accept(rows.length);
      }
    }
    return new ArrayList<>(Arrays.asList(out));
  }
}
