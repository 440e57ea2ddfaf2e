package org.orzspark.plan;

import org.orzspark.model.Qwen2Config;

/**
 * Sizes and costs of a Qwen2 decoder as pure functions of its {@link Qwen2Config}, for {@code orz
 * plan}. Notation in the docs: V vocabulary, h hidden width, i SwiGLU width, L layers, kv =
 * key/value heads × head dimension.
 */
public final class ModelArithmetic {
  private ModelArithmetic() {}

  /** V·h: the embedding matrix (and an untied LM head of the same shape). */
  public static long embeddingParameters(Qwen2Config model) {
    return (long) model.vocabSize() * model.hiddenSize();
  }

  /** Parameters of the policy: the causal LM ({@link Qwen2Config#parameterCount}). */
  public static long policyParameters(Qwen2Config model) {
    return model.parameterCount();
  }

  /**
   * Parameters of the critic: the policy without an untied LM head (a tied one is the embedding,
   * which the critic keeps) plus the value head [1, h] ({@code CriticModel}).
   */
  public static long criticParameters(Qwen2Config model) {
    long lmHead = model.tieWordEmbeddings() ? 0 : embeddingParameters(model);
    return policyParameters(model) - lmHead + model.hiddenSize();
  }

  /**
   * Parameters that multiply each token of the policy: all but the embedding lookup, which costs no
   * multiplications; the LM head counts whether it is tied or not (V·h multiply-adds per token).
   */
  public static long policyMatmulParameters(Qwen2Config model) {
    return model.tieWordEmbeddings()
        ? policyParameters(model)
        : policyParameters(model) - embeddingParameters(model);
  }

  /** Parameters that multiply each token of the critic: all but the embedding lookup. */
  public static long criticMatmulParameters(Qwen2Config model) {
    return criticParameters(model) - embeddingParameters(model);
  }

  /**
   * kv: the width of one token's keys (or values) in one layer, summed over the key/value heads.
   */
  public static long keyValueWidth(Qwen2Config model) {
    return (long) model.numKeyValueHeads() * model.headDim();
  }

  /** KV-cache bytes of one token: keys and values of every layer, 2·L·kv values. */
  public static long kvCacheBytesPerToken(Qwen2Config model, int valueBytes) {
    return 2L * model.numHiddenLayers() * keyValueWidth(model) * valueBytes;
  }

  /**
   * Values one decoder layer keeps per token for its backward pass, 7h + 3·kv + 4i: the input and
   * output of both RMSNorms (4h), the query (h) and key/value (2·kv) projections, the rotated query
   * and key (h + kv), the attention output (h), and the SwiGLU gate, up, SiLU(gate) and product
   * (4i). Attention in query blocks and a chunked log-sum-exp over the vocabulary (issue 15 point
   * 3) keep nothing quadratic in the sequence length and no B·T·V tensor, so neither appears.
   */
  public static long layerActivationValuesPerToken(Qwen2Config model) {
    long h = model.hiddenSize();
    return 7 * h + 3 * keyValueWidth(model) + 4L * model.intermediateSize();
  }

  /**
   * Activation bytes of a forward/backward pass over {@code tokens} tokens. Without checkpointing
   * every layer keeps what {@link #layerActivationValuesPerToken} counts: L·(7h + 3·kv + 4i) values
   * per token. With per-layer checkpointing each layer keeps only its input (L·h per token), and
   * one layer at a time recomputes its full set in the backward pass (+ 7h + 3·kv + 4i).
   */
  public static long activationBytes(
      Qwen2Config model, long tokens, int valueBytes, boolean checkpointing) {
    long layer = layerActivationValuesPerToken(model);
    long perToken =
        checkpointing
            ? (long) model.numHiddenLayers() * model.hiddenSize() + layer
            : model.numHiddenLayers() * layer;
    return tokens * perToken * valueBytes;
  }

  /**
   * FLOPs of one causal forward pass over {@code tokens} new tokens that follow {@code context}
   * tokens already in the KV cache: per token 2·N for the matrix products ({@code matmulParameters}
   * = N) plus 4·L·h·c for attention, c the positions the token attends to (itself and all before
   * it): 2·h·c for the scores Q·Kᵀ and 2·h·c for the weighted values, summed over the query heads.
   * Summed over the tokens (c = context + 1 … context + tokens): 2·N·tokens + 4·L·h·(context·tokens
   * + tokens·(tokens + 1)/2).
   */
  public static double forwardFlops(
      Qwen2Config model, long matmulParameters, long tokens, long context) {
    double attended = (double) context * tokens + tokens * (tokens + 1.0) / 2.0;
    return 2.0 * matmulParameters * tokens
        + 4.0 * model.numHiddenLayers() * model.hiddenSize() * attended;
  }
}
