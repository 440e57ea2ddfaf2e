package org.orzspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.orzspark.model.CriticModel;
import org.orzspark.model.GradMode;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.TokenBatch;
import org.orzspark.ppo.Gae;
import org.orzspark.train.MicroBatches.MicroBatch;

/**
 * The experience of scored responses: the generating policy's log-probabilities of the response
 * tokens, the critic's action values, and GAE advantages and returns (not yet normalised: the
 * statistics are global over the iteration and come from a Spark aggregate). No autograd.
 */
public final class ExperienceComputer {
  private final PolicyModel policy;
  private final CriticModel critic;
  private final int tokenBudget;
  private final boolean packing;
  private final double gamma;
  private final double lambda;

  /**
   * @param tokenBudget tokens per forward micro-batch (see {@link MicroBatches#plan})
   * @param packing several sequences per micro-batch row
   */
  public ExperienceComputer(
      PolicyModel policy,
      CriticModel critic,
      int tokenBudget,
      boolean packing,
      double gamma,
      double lambda) {
    this.policy = policy;
    this.critic = critic;
    this.tokenBudget = tokenBudget;
    this.packing = packing;
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
      // Without autograd the forwards always compute a shared prompt prefix once.
      for (MicroBatch micro : MicroBatches.plan(responses, all, tokenBudget, packing, true)) {
        try (NDManager scope = parent.newSubManager()) {
          TokenBatch batch = micro.tokens(responses);
          float[] logProbs = policy.tokenLogProbs(batch, scope).toFloatArray();
          NDArray values = MicroBatches.actionValues(critic.values(batch, scope));
          NDArray mask = micro.responseMask(scope, responses);
          NDArray tokenRewards =
              micro.perResponseToken(scope, responses, i -> terminalReward(responses.get(i)));
          NDArray segments =
              scope.create(batch.segments(), new Shape(batch.rows(), batch.length()));
          Gae.Result gae = Gae.compute(tokenRewards, values, mask, segments, gamma, lambda);
          float[] hostValues = values.toFloatArray();
          float[] advantages = gae.advantages().toFloatArray();
          float[] returns = gae.returns().toFloatArray();
          int[] rows = micro.responses();
          for (int k = 0; k < rows.length; k++) {
            out[rows[k]] =
                new ExperienceRow(
                    responses.get(rows[k]),
                    micro.responsePart(logProbs, k, responses),
                    micro.responsePart(hostValues, k, responses),
                    micro.responsePart(returns, k, responses),
                    micro.responsePart(advantages, k, responses));
          }
          batchDone.accept(rows.length);
        }
      }
    }
    return new ArrayList<>(Arrays.asList(out));
  }

  /** The response's reward on its last token, 0 on the others (ORZ's terminal reward). */
  static float[] terminalReward(ScoredResponse response) {
    float[] perToken = new float[response.responseLength()];
    perToken[perToken.length - 1] = response.reward();
    return perToken;
  }
}
