package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import org.orzspark.autograd.Scalars;

/**
 * PPO's clipped surrogate policy loss, per response token:
 *
 * <pre>
 *   ratio = exp(logp - old_logp)
 *   l     = max(-A * ratio, -A * clip(ratio, 1 - eps, 1 + eps))
 *         + klCoefficient * k3                     (only when klCoefficient &gt; 0)
 *   k3    = exp(ref_logp - logp) - (ref_logp - logp) - 1
 * </pre>
 *
 * reduced by {@link LossWeights} (ORZ: token mean per sample, then mean over samples); k3 is
 * Schulman's unbiased, non-negative estimator of KL(policy || reference). ORZ uses eps = 0.2 and no
 * KL term: with {@code klCoefficient == 0} no reference log-probs are needed and no KL is computed.
 *
 * @param clipEpsilon eps of the clipped ratio
 * @param klCoefficient weight of the KL-to-reference term; 0 turns it off
 */
public record PolicyLoss(double clipEpsilon, double klCoefficient) implements java.io.Serializable {
  public static final double CLIP_EPSILON_DEFAULT = 0.2;

  /** The ORZ recipe: eps = 0.2, no KL. */
  public static final PolicyLoss ORZ = new PolicyLoss(CLIP_EPSILON_DEFAULT, 0);

  public PolicyLoss {
    if (!(clipEpsilon > 0 && clipEpsilon < 1)) {
      throw new IllegalArgumentException(
          "Invalid policy clip epsilon: " + clipEpsilon + " (0 < eps < 1)");
    }
    if (!(klCoefficient >= 0)) {
      throw new IllegalArgumentException("Invalid KL coefficient: " + klCoefficient + " (>= 0)");
    }
  }

  /**
   * The loss of a (micro-)batch and its diagnostics.
   *
   * @param logProbs {@code [B, T]} log-probs of the taken tokens under the current policy
   *     (differentiable)
   * @param oldLogProbs {@code [B, T]} the same under the policy that generated the experience
   * @param advantages {@code [B, T]} (normalised) advantages
   * @param weights response mask and reduction weights of this batch
   * @param refLogProbs {@code [B, T]} reference-policy log-probs; required only when the KL term is
   *     on
   * @param tokenEntropy {@code [B, T]} policy entropy per token (a diagnostic), or null
   */
  public Result compute(
      NDArray logProbs,
      NDArray oldLogProbs,
      NDArray advantages,
      LossWeights weights,
      NDArray refLogProbs,
      NDArray tokenEntropy) {
    NDArray mask = weights.mask();
    TokenLayout.checkShape("oldLogProbs", oldLogProbs, logProbs.getShape());
    TokenLayout.checkShape("advantages", advantages, logProbs.getShape());
    TokenLayout.checkShape("responseMask", mask, logProbs.getShape());
    // Masked positions get log-ratio 0 and advantage 0, so nothing there reaches loss or gradient.
    NDArray logRatio = NDArrays.where(mask, logProbs.sub(oldLogProbs), logProbs.zerosLike());
    NDArray adv = TokenLayout.masked(advantages, mask);
    NDArray ratio = logRatio.exp();
    NDArray unclipped = adv.neg().mul(ratio);
    NDArray clipped = adv.neg().mul(ratio.clip(1 - clipEpsilon, 1 + clipEpsilon));
    NDArray tokenLoss = unclipped.maximum(clipped);
    double klSum = Double.NaN;
    if (klCoefficient > 0) {
      if (refLogProbs == null) {
        throw new IllegalArgumentException(
            "refLogProbs are required when the KL coefficient is > 0");
      }
      TokenLayout.checkShape("refLogProbs", refLogProbs, logProbs.getShape());
      NDArray refLogRatio = NDArrays.where(mask, refLogProbs.sub(logProbs), logProbs.zerosLike());
      NDArray k3 = refLogRatio.exp().sub(refLogRatio).sub(1);
      tokenLoss = tokenLoss.add(Scalars.times(k3, klCoefficient));
      klSum = weights.tokenSum(k3.stopGradient());
    }
    NDArray loss = weights.reduce(tokenLoss);
    NDArray r = ratio.stopGradient();
    long tokens = weights.responseTokens();
    double clippedTokens =
        weights.tokenSum(
            clipped.stopGradient().gt(unclipped.stopGradient()).toType(DataType.FLOAT32, false));
    // approx KL(old || new) = E[(ratio - 1) - log ratio], CleanRL's low-variance estimator.
    double approxKlSum = weights.tokenSum(r.sub(1).sub(logRatio.stopGradient()));
    double entropySum =
        tokenEntropy == null ? Double.NaN : weights.tokenSum(tokenEntropy.stopGradient());
    return new Result(
        loss,
        new Diagnostics(tokens, loss.getFloat(), clippedTokens, approxKlSum, entropySum, klSum));
  }

  /** The loss (a differentiable scalar) and its diagnostics. */
  public record Result(NDArray loss, Diagnostics diagnostics) {}

  /**
   * Detached diagnostics as sums over response tokens, so micro-batches and replicas merge exactly;
   * NaN sums mean "not computed" (no entropy given, KL term off).
   *
   * @param tokens response tokens
   * @param loss the loss value (already weighted: pieces of a batch add up to the batch loss)
   */
  public record Diagnostics(
      long tokens,
      double loss,
      double clippedTokens,
      double approxKlSum,
      double entropySum,
      double klSum) {

    public Diagnostics merge(Diagnostics o) {
      return new Diagnostics(
          tokens + o.tokens,
          loss + o.loss,
          clippedTokens + o.clippedTokens,
          approxKlSum + o.approxKlSum,
          entropySum + o.entropySum,
          klSum + o.klSum);
    }

    /** Share of response tokens where the clip was active (the clipped term was the larger). */
    public double clipFraction() {
      return clippedTokens / tokens;
    }

    public double approxKl() {
      return approxKlSum / tokens;
    }

    public double entropy() {
      return entropySum / tokens;
    }

    public double kl() {
      return klSum / tokens;
    }
  }
}
