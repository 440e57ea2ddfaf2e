package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Random experience rows for {@link TinyModel}: each row is prompt tokens, a response of 1..5
 * tokens (mask 1) and padding, with advantages, returns and "old" log-probs and values that differ
 * from the model's current ones by noise, so that some ratios and values fall outside the clip.
 */
final class ToyExperience {
  static final int COLS = 7;

  final int rows;
  final long[] tokens;
  final long[] targets;
  final float[] mask;
  final float[] advantages;
  final float[] returns;
  final float[] oldLogProbs;
  final float[] oldValues;

  ToyExperience(int rows, long seed, TinyModel policy, TinyModel critic) {
    this.rows = rows;
    Random random = new Random(seed);
    int n = rows * COLS;
    tokens = new long[n];
    targets = new long[n];
    mask = new float[n];
    advantages = new float[n];
    returns = new float[n];
    for (int b = 0; b < rows; b++) {
      int start = 1 + random.nextInt(2);
      int length = 1 + random.nextInt(COLS - start);
      for (int t = 0; t < COLS; t++) {
        int i = b * COLS + t;
        tokens[i] = random.nextInt(TinyModel.VOCAB);
        targets[i] = random.nextInt(TinyModel.VOCAB);
        mask[i] = t >= start && t < start + length ? 1 : 0;
        advantages[i] = (float) random.nextGaussian();
        returns[i] = random.nextInt(2);
      }
    }
    oldLogProbs = new float[n];
    oldValues = new float[n];
    try (NDManager m = NDManager.newBaseManager()) {
      int[] all = MiniBatches.range(0, rows);
      float[] logp = policy.logProbs(longs(m, tokens, all), longs(m, targets, all)).toFloatArray();
      float[] values = critic.values(longs(m, tokens, all)).toFloatArray();
      for (int i = 0; i < n; i++) {
        oldLogProbs[i] = (float) (logp[i] + 0.3 * random.nextGaussian());
        oldValues[i] = (float) (values[i] + 0.3 * random.nextGaussian());
      }
    }
  }

  /** Response tokens in the given rows. */
  long tokenCount(int[] selected) {
    long count = 0;
    for (int b : selected) {
      for (int t = 0; t < COLS; t++) {
        count += mask[b * COLS + t] > 0 ? 1 : 0;
      }
    }
    return count;
  }

  /** The normaliser of a batch made of {@code selected} rows (each row is one sample). */
  double units(LossReduction reduction, int[] selected) {
    return reduction == LossReduction.SEQUENCE_MEAN ? selected.length : tokenCount(selected);
  }

  /** The policy loss of {@code selected} rows as a piece of a batch with {@code globalUnits}. */
  NDArray policyLoss(
      TinyModel policy,
      int[] selected,
      NDManager scope,
      LossReduction reduction,
      double globalUnits) {
    LossWeights w = reduction.weights(floats(scope, mask, selected), null, globalUnits);
    NDArray logp = policy.logProbs(longs(scope, tokens, selected), longs(scope, targets, selected));
    return PolicyLoss.ORZ
        .compute(
            logp,
            floats(scope, oldLogProbs, selected),
            floats(scope, advantages, selected),
            w,
            null,
            null)
        .loss();
  }

  /**
   * The clipped value loss of {@code selected} rows as a piece of a batch with {@code globalUnits}.
   */
  NDArray valueLoss(TinyModel critic, int[] selected, NDManager scope, double globalUnits) {
    LossWeights w =
        LossReduction.SEQUENCE_MEAN.weights(floats(scope, mask, selected), null, globalUnits);
    return ValueLoss.CLIPPED
        .compute(
            critic.values(longs(scope, tokens, selected)),
            floats(scope, oldValues, selected),
            floats(scope, returns, selected),
            w)
        .loss();
  }

  static NDArray longs(NDManager m, long[] data, int[] selected) {
    long[] out = new long[selected.length * COLS];
    for (int i = 0; i < selected.length; i++) {
      System.arraycopy(data, selected[i] * COLS, out, i * COLS, COLS);
    }
    return m.create(out, new Shape(selected.length, COLS));
  }

  static NDArray floats(NDManager m, float[] data, int[] selected) {
    float[] out = new float[selected.length * COLS];
    for (int i = 0; i < selected.length; i++) {
      System.arraycopy(data, selected[i] * COLS, out, i * COLS, COLS);
    }
    return m.create(out, new Shape(selected.length, COLS));
  }
}
