package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.orzspark.autograd.Scalars;

/**
 * The critic's loss per response token, against the GAE returns R:
 *
 * <pre>
 *   unclipped (paper):          l = 1/2 * (V - R)^2
 *   clipped (reference code):   V_clip = V_old + clip(V - V_old, -c, c)
 *                               l = 1/2 * max((V_clip - R)^2, (V - R)^2)
 * </pre>
 *
 * reduced by {@link LossWeights}. ORZ's default is clipped with c = 0.2.
 *
 * @param clipRange c; {@code 0} selects the unclipped loss
 */
public record ValueLoss(double clipRange) implements java.io.Serializable {
  /**
   * The loss a run chooses ({@code ppo.value_loss}), written in lower case in {@code run.json}:
   * {@code clipped} (the reference code) or {@code plain} (the paper).
   */
  public enum Form {
    CLIPPED,
    PLAIN;

    /**
     * The loss of this form; {@code clipRange} is c of the clipped form, unused by the plain one.
     */
    public ValueLoss with(double clipRange) {
      return this == CLIPPED ? new ValueLoss(clipRange) : UNCLIPPED;
    }
  }

  public static final double CLIP_RANGE_DEFAULT = 0.2;

  /** The reference code's clipped loss, c = 0.2 (ORZ default). */
  public static final ValueLoss CLIPPED = new ValueLoss(CLIP_RANGE_DEFAULT);

  /** The paper's plain squared error. */
  public static final ValueLoss UNCLIPPED = new ValueLoss(0);

  public ValueLoss {
    if (!(clipRange >= 0) || Double.isInfinite(clipRange)) {
      throw new IllegalArgumentException(
          "Invalid value clip range: " + clipRange + " (>= 0, 0 = off)");
    }
  }

  public boolean clipped() {
    return clipRange > 0;
  }

  /**
   * @param values {@code [B, T]} current critic values (differentiable)
   * @param oldValues {@code [B, T]} values when the experience was made (used only when clipped)
   * @param returns {@code [B, T]} GAE returns
   * @param weights response mask and reduction weights of this batch
   */
  public Result compute(NDArray values, NDArray oldValues, NDArray returns, LossWeights weights) {
    NDArray mask = weights.mask();
    TokenLayout.checkShape("oldValues", oldValues, values.getShape());
    TokenLayout.checkShape("returns", returns, values.getShape());
    TokenLayout.checkShape("responseMask", mask, values.getShape());
    NDArray ret = TokenLayout.masked(returns, mask);
    NDArray v = ai.djl.ndarray.NDArrays.where(mask, values, values.zerosLike());
    NDArray plain = v.sub(ret).square();
    NDArray tokenLoss = plain;
    double clippedTokens = 0;
    if (clipped()) {
      NDArray old = TokenLayout.masked(oldValues, mask);
      NDArray change = v.sub(old);
      NDArray vClip = old.add(change.clip(-clipRange, clipRange));
      NDArray clippedLoss = vClip.sub(ret).square();
      tokenLoss = clippedLoss.maximum(plain);
      // Inside the clip range V_old + (V - V_old) can differ from V by a rounding step, which
      // must not count as clipped: only a bounded change whose term wins does.
      NDArray bounded = change.stopGradient().abs().gt(clipRange);
      NDArray wins = clippedLoss.stopGradient().gt(plain.stopGradient());
      clippedTokens = weights.tokenSum(bounded.logicalAnd(wins).toType(DataType.FLOAT32, false));
    }
    NDArray loss = weights.reduce(Scalars.times(tokenLoss, 0.5));
    return new Result(
        loss,
        new Diagnostics(
            weights.responseTokens(),
            loss.getFloat(),
            clippedTokens,
            weights.tokenSum(values.stopGradient())));
  }

  /** The loss (a differentiable scalar) and its diagnostics. */
  public record Result(NDArray loss, Diagnostics diagnostics) {}

  /**
   * Detached diagnostics as sums over response tokens (merge exactly across micro-batches).
   *
   * @param loss the loss value (pieces of a batch add up to the batch loss)
   * @param clippedTokens tokens where the value change was clipped and the clipped term was the
   *     larger
   */
  public record Diagnostics(long tokens, double loss, double clippedTokens, double valueSum) {
    public Diagnostics merge(Diagnostics o) {
      return new Diagnostics(
          tokens + o.tokens, loss + o.loss, clippedTokens + o.clippedTokens, valueSum + o.valueSum);
    }

    public double clipFraction() {
      return clippedTokens / tokens;
    }

    public double meanValue() {
      return valueSum / tokens;
    }
  }
}
