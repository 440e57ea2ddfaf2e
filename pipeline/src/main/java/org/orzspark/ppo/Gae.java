package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Generalised advantage estimation (Schulman et al. 2016), token level, in fp32.
 *
 * <p>For each sample, over its response tokens t_1 &lt; ... &lt; t_n in order (prompt and padding
 * tokens in between are skipped, as if absent):
 *
 * <pre>
 *   delta_i = r[t_i] + gamma * V[t_{i+1}] - V[t_i]          (V[t_{n+1}] = 0: the episode ends)
 *   A[t_i]  = delta_i + gamma * lambda * A[t_{i+1}]          (A[t_{n+1}] = 0)
 *   R[t_i]  = A[t_i] + V[t_i]                                (the value target)
 * </pre>
 *
 * With ORZ's terminal-only reward (on the last response token) and gamma = lambda = 1 this is
 * {@code A[t] = reward - V[t]}, {@code R[t] = reward}. The recursion resets at every sample boundary
 * inside a packed row. Outputs are 0 at masked positions; rewards and values there are ignored.
 */
public final class Gae {
  /** ORZ: gamma = lambda = 1. */
  public static final double GAMMA_DEFAULT = 1.0;

  public static final double LAMBDA_DEFAULT = 1.0;

  private Gae() {}

  /** Advantages and returns, both {@code [B, T]} fp32, attached to the values' manager. */
  public record Result(NDArray advantages, NDArray returns) {}

  /** {@link #compute(NDArray, NDArray, NDArray, NDArray, double, double)} with gamma = lambda = 1. */
  public static Result compute(
      NDArray tokenRewards, NDArray values, NDArray responseMask, NDArray segmentIds) {
    return compute(tokenRewards, values, responseMask, segmentIds, GAMMA_DEFAULT, LAMBDA_DEFAULT);
  }

  /**
   * @param tokenRewards {@code [B, T]} reward per token (ORZ: the sample's 0/1 reward on its last
   *     response token, 0 elsewhere; see {@link #terminalRewards})
   * @param values {@code [B, T]} critic values V(s_t)
   * @param responseMask {@code [B, T]} non-zero on response tokens
   * @param segmentIds {@code [B, T]} integer sample ids inside packed rows, or null (one sample per row)
   */
  public static Result compute(
      NDArray tokenRewards,
      NDArray values,
      NDArray responseMask,
      NDArray segmentIds,
      double gamma,
      double lambda) {
    TokenLayout.checkShape("tokenRewards", tokenRewards, values.getShape());
    TokenLayout.checkShape("responseMask", responseMask, values.getShape());
    NDManager parent = values.getManager();
    try (NDManager scope = parent.newSubManager()) {
      TokenLayout.tempAttach(scope, tokenRewards, values, responseMask, segmentIds);
      NDArray maskBool = TokenLayout.maskBool(responseMask);
      NDArray m = maskBool.toType(DataType.FLOAT32, false);
      NDArray r = TokenLayout.masked(tokenRewards, maskBool);
      NDArray v = TokenLayout.masked(values, maskBool);
      NDArray cont = TokenLayout.continuesToNext(maskBool, segmentIds);
      int steps = (int) values.getShape().get(1);
      NDList rs = r.split(steps, 1);
      NDList vs = v.split(steps, 1);
      NDList ms = m.split(steps, 1);
      NDList cs = cont.split(steps, 1);
      NDArray nextValue = vs.get(0).zerosLike();
      NDArray nextAdvantage = nextValue;
      NDArray[] advantages = new NDArray[steps];
      for (int t = steps - 1; t >= 0; t--) {
        NDArray nv = nextValue.mul(cs.get(t));
        NDArray na = nextAdvantage.mul(cs.get(t));
        NDArray delta = rs.get(t).add(nv.mul((float) gamma)).sub(vs.get(t));
        NDArray notResponse = ms.get(t).neg().add(1);
        advantages[t] = delta.add(na.mul((float) (gamma * lambda))).mul(ms.get(t));
        // Masked positions pass the next response token's value and advantage through unchanged.
        nextAdvantage = advantages[t].add(na.mul(notResponse));
        nextValue = vs.get(t).add(nv.mul(notResponse));
      }
      NDArray adv = NDArrays.concat(new NDList(advantages), 1);
      NDArray ret = adv.add(v);
      adv.attach(parent);
      ret.attach(parent);
      return new Result(adv, ret);
    }
  }

  /**
   * Token-level rewards for padded rows (one sample per row): {@code reward[b]} on the last response
   * token of row b, 0 elsewhere.
   *
   * @param responseMask {@code [B, T]} non-zero on response tokens
   * @param rewards {@code [B]} one reward per sample
   */
  public static NDArray terminalRewards(NDArray responseMask, NDArray rewards) {
    NDArray last = TokenLayout.lastResponseTokens(TokenLayout.maskBool(responseMask), null);
    return last.mul(rewards.toType(DataType.FLOAT32, false).expandDims(1));
  }

  /**
   * {@code [B, T]} fp32: 1 on the last response token of each sample, where the terminal reward
   * sits (multiply by each token's sample reward to get {@code tokenRewards} for packed rows).
   */
  public static NDArray lastResponseTokens(NDArray responseMask, NDArray segmentIds) {
    return TokenLayout.lastResponseTokens(TokenLayout.maskBool(responseMask), segmentIds);
  }
}
