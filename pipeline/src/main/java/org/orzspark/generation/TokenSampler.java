package org.orzspark.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Draws one token per row where the logits are, by inverse-CDF sampling with one given uniform
 * number per row: only the uniforms go to the engine and one token id and one log-probability per
 * row come back, never a [rows × V] distribution.
 *
 * <p>Greedy (T = 0): the most likely token (lowest id among ties). Otherwise p = softmax(logits /
 * T) in float32; with top-k only the k most likely tokens are kept, then with top-p the shortest
 * most-likely-first prefix whose renormalised mass reaches topP; the token is the first, in order
 * (vocabulary order without truncation, most likely first with it), whose cumulative mass exceeds u
 * · (kept mass), and never one of probability 0. The cumulative sums are float32 on the engine, so
 * a token can differ from an exact (double) walk only when u · (kept mass) lies within float32
 * rounding of a cumulative-sum boundary (see TokenSamplerTest); the choice is still a pure function
 * of the row's logits and u.
 */
public final class TokenSampler {
  private TokenSampler() {}

  /**
   * Tokens drawn on the engine, one per row.
   *
   * @param tokens [R] int64 token ids
   * @param logProbs [R] float32 log p(token) under softmax(logits / T) (T = 1 when greedy), before
   *     top-k/top-p
   */
  public record Draws(NDArray tokens, NDArray logProbs) {}

  /**
   * Draws a token from each row of {@code logits}.
   *
   * @param logits [R, V] (any float type; sampling runs in float32)
   * @param uniforms [R] float32 in [0, 1), one per row
   * @return draws attached to {@code logits}' manager
   */
  public static Draws draw(NDArray logits, NDArray uniforms, SamplingParams params) {
    NDArray scaled = logits.toType(DataType.FLOAT32, false);
    double temperature = params.temperature();
    if (temperature != 0 && temperature != 1) {
      scaled = scaled.div(temperature);
    }
    NDArray p = scaled.softmax(-1);
    NDArray tokens;
    if (temperature == 0) {
      tokens = p.argMax(-1);
    } else if (truncates(params, p.getShape().get(1))) {
      // ascending on −p, not descending on p: PyTorch's descending sort lists equal values last
      // id first, its ascending one keeps them in id order as the reference walk does
      NDArray order = p.neg().argSort(-1, true);
      NDArray kept = truncate(p.gather(order, -1), params);
      tokens = order.gather(inverseCdf(kept, uniforms).expandDims(1), -1).squeeze(1);
    } else {
      tokens = inverseCdf(p, uniforms);
    }
    NDArray logProbs = scaled.logSoftmax(-1).gather(tokens.expandDims(1), -1).squeeze(1);
    return new Draws(tokens, logProbs);
  }

  /** Whether top-k or top-p removes any token of a vocabulary of {@code vocab}. */
  static boolean truncates(SamplingParams params, long vocab) {
    return params.topK() > 0 && params.topK() < vocab || params.topP() < 1;
  }

  /**
   * The probabilities sorted most likely first with the tokens top-k and top-p drop set to 0: top-k
   * keeps the first k; top-p then keeps the shortest prefix whose mass reaches topP · (mass kept by
   * top-k).
   *
   * @param sorted [R, V] float32, each row non-increasing
   * @return [R, V]
   */
  static NDArray truncate(NDArray sorted, SamplingParams params) {
    long vocab = sorted.getShape().get(1);
    NDArray rank = sorted.getManager().arange(0, (int) vocab, 1, DataType.INT64);
    NDArray kept = sorted;
    if (params.topK() > 0 && params.topK() < vocab) {
      kept = kept.mul(rank.lt(params.topK()).toType(DataType.FLOAT32, false));
    }
    if (params.topP() < 1) {
      NDArray cumulative = kept.cumSum(-1);
      NDArray threshold = cumulative.get(":, -1:").mul(params.topP());
      // the first index whose cumulative mass reaches the threshold is the count of those below
      NDArray count = cumulative.lt(threshold).sum(new int[] {-1}, true);
      kept = kept.mul(rank.lt(count.add(1)).toType(DataType.FLOAT32, false));
    }
    return kept;
  }

  /**
   * Per row, the first index whose cumulative weight exceeds u · (total weight), never an index of
   * weight 0 (when rounding puts the target at the total, the last index of positive weight).
   *
   * @param weights [R, V] float32, non-negative, each row with a positive entry
   * @param uniforms [R] in [0, 1)
   * @return [R] int64
   */
  static NDArray inverseCdf(NDArray weights, NDArray uniforms) {
    NDManager m = weights.getManager();
    long vocab = weights.getShape().get(1);
    NDArray cumulative = weights.cumSum(-1);
    NDArray target = uniforms.reshape(-1, 1).mul(cumulative.get(":, -1:"));
    NDArray below = cumulative.lte(target).toType(DataType.INT64, false).sum(new int[] {-1});
    NDArray rank = m.arange(0, (int) vocab, 1, DataType.INT64);
    NDArray lastPositive =
        weights.gt(0).toType(DataType.INT64, false).mul(rank).max(new int[] {-1});
    return below.minimum(lastPositive);
  }
}
