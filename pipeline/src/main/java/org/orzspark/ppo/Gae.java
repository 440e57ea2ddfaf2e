package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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
 * {@code A[t] = reward - V[t]}, {@code R[t] = reward}. The recursion resets at every sample
 * boundary inside a packed row. Outputs are 0 at masked positions; rewards and values there are
 * ignored.
 */
public final class Gae {
  /** ORZ: gamma = lambda = 1. */
  public static final double GAMMA_DEFAULT = 1.0;

  public static final double LAMBDA_DEFAULT = 1.0;

  private Gae() {}

  /** Advantages and returns, both {@code [B, T]} fp32, attached to the values' manager. */
  public record Result(NDArray advantages, NDArray returns) {}

  /**
   * {@link #compute(NDArray, NDArray, NDArray, NDArray, double, double)} with gamma = lambda = 1.
   */
  public static Result compute(
      NDArray tokenRewards, NDArray values, NDArray responseMask, NDArray segmentIds) {
    return compute(tokenRewards, values, responseMask, segmentIds, GAMMA_DEFAULT, LAMBDA_DEFAULT);
  }

  /**
   * @param tokenRewards {@code [B, T]} reward per token (ORZ: the sample's 0/1 reward on its last
   *     response token, 0 elsewhere; see {@link #terminalRewards})
   * @param values {@code [B, T]} critic values V(s_t)
   * @param responseMask {@code [B, T]} non-zero on response tokens
   * @param segmentIds {@code [B, T]} integer sample ids inside packed rows, or null (one sample per
   *     row)
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
    Shape shape = values.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("Invalid values shape: " + shape + ", expected [B, T]");
    }
    TokenLayout.checkShape("segmentIds", segmentIds, shape);
    int rows = (int) shape.get(0);
    int cols = (int) shape.get(1);
    float[] r = TokenLayout.floats(tokenRewards);
    float[] v = TokenLayout.floats(values);
    boolean[] mask = TokenLayout.booleans(responseMask);
    long[] seg = TokenLayout.longs(segmentIds);
    float[] adv = new float[rows * cols];
    float[] ret = new float[rows * cols];
    for (int b = 0; b < rows; b++) {
      computeRow(r, v, mask, seg, b * cols, cols, (float) gamma, (float) lambda, adv, ret);
    }
    NDManager manager = values.getManager();
    return new Result(manager.create(adv, shape), manager.create(ret, shape));
  }

  /**
   * The backward recursion over one row {@code [offset, offset + cols)} of the flat arrays, in
   * fp32. A host loop rather than tensor ops: the scan is sequential in t, and as tensor ops it
   * costs several native calls per time step (measured here: ~3 s for 64 x 8,000 tokens, against
   * milliseconds for this loop).
   */
  private static void computeRow(
      float[] rewards,
      float[] values,
      boolean[] mask,
      long[] seg,
      int offset,
      int cols,
      float gamma,
      float lambda,
      float[] adv,
      float[] ret) {
    float nextValue = 0;
    float nextAdvantage = 0;
    for (int i = offset + cols - 1; i >= offset; i--) {
      boolean sampleEnds = i == offset + cols - 1 || (seg != null && seg[i] != seg[i + 1]);
      if (sampleEnds) {
        nextValue = 0;
        nextAdvantage = 0;
      }
      // Masked positions pass the next response token's value and advantage through unchanged.
      if (mask[i]) {
        float delta = rewards[i] + gamma * nextValue - values[i];
        nextAdvantage = delta + gamma * lambda * nextAdvantage;
        nextValue = values[i];
        adv[i] = nextAdvantage;
        ret[i] = nextAdvantage + values[i];
      }
    }
  }

  /**
   * Token-level rewards for padded rows (one sample per row): {@code reward[b]} on the last
   * response token of row b, 0 elsewhere.
   *
   * @param responseMask {@code [B, T]} non-zero on response tokens
   * @param rewards {@code [B]} one reward per sample
   */
  public static NDArray terminalRewards(NDArray responseMask, NDArray rewards) {
    NDArray last = TokenLayout.lastResponseTokens(responseMask, null);
    return last.mul(rewards.toType(DataType.FLOAT32, false).expandDims(1));
  }

  /**
   * {@code [B, T]} fp32: 1 on the last response token of each sample, where the terminal reward
   * sits (multiply by each token's sample reward to get {@code tokenRewards} for packed rows).
   */
  public static NDArray lastResponseTokens(NDArray responseMask, NDArray segmentIds) {
    return TokenLayout.lastResponseTokens(responseMask, segmentIds);
  }
}
