package org.orzspark.model;

/**
 * What a forward under autograd keeps for its backward pass. Every mode computes the same values
 * and gradients (to float32 rounding); they differ in memory and compute. A mode other than {@link
 * #KEEP} recomputes parts in the backward pass, which then needs {@link
 * org.orzspark.autograd.Recomputation#backward()} after the autograd backward (the gradient
 * accumulator of the PPO update calls it). Without autograd (grad mode off) the modes are equal.
 */
public enum ActivationMemory {
  /**
   * Autograd keeps everything: per layer the attention probabilities ([B, heads, T, S] in query
   * blocks) and, for the log-probabilities, the log-softmax over the vocabulary (B·T·V floats). Any
   * {@code GradientCollector} backward is complete on its own.
   */
  KEEP,
  /**
   * The chosen tokens' log-probabilities are computed without autograd, a chunk of tokens at a
   * time; the backward pass recomputes one chunk's logits at a time, so no B·T·V array is kept. The
   * cost: the LM head's forward matmul once more.
   */
  RECOMPUTE_LOGITS,
  /**
   * {@link #RECOMPUTE_LOGITS}, and every decoder layer runs without autograd, keeping only its
   * input [B, T, H]; the backward pass re-runs one layer at a time, its attention one query block
   * at a time, so activation memory is linear in T. The cost: about one more decoder forward. A
   * batch with a shared prompt prefix is computed row by row (the shared-prefix forward's rows read
   * the prefix's keys across layers, which a layer-by-layer recomputation cannot cut).
   */
  RECOMPUTE_LAYERS;

  boolean recomputesLogits() {
    return this != KEEP;
  }

  /**
   * Whether decoder layers are recomputed in the backward pass (such a forward under autograd
   * computes no shared prompt prefix once).
   */
  public boolean recomputesLayers() {
    return this == RECOMPUTE_LAYERS;
  }
}
