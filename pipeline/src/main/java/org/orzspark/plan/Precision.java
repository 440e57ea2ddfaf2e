package org.orzspark.plan;

import java.util.Locale;

/** How many bytes each kind of training state takes per value or parameter. */
public enum Precision {
  /**
   * Issue 15's plan on GPU: bf16 weights, gradients, activations and KV cache; the optimizer keeps
   * an fp32 master copy of the weights and the two fp32 Adam moments (4 + 4 + 4 bytes).
   */
  MIXED("bf16", 2, 12, "fp32 master + 2 Adam moments"),
  /**
   * fp32 everywhere (today's engine): the weights are the master copy, so the optimizer holds the
   * two moments.
   */
  FP32("fp32", 4, 8, "2 fp32 Adam moments");

  private final String dtype;
  private final int valueBytes;
  private final int optimizerBytesPerParameter;
  private final String optimizerContents;

  Precision(
      String dtype, int valueBytes, int optimizerBytesPerParameter, String optimizerContents) {
    this.dtype = dtype;
    this.valueBytes = valueBytes;
    this.optimizerBytesPerParameter = optimizerBytesPerParameter;
    this.optimizerContents = optimizerContents;
  }

  /** The dtype of weights, gradients, activations and the KV cache, e.g. {@code bf16}. */
  public String dtype() {
    return dtype;
  }

  /** Bytes of one weight, gradient, activation or KV-cache value. */
  public int valueBytes() {
    return valueBytes;
  }

  /** Optimizer-state bytes per parameter before sharding. */
  public int optimizerBytesPerParameter() {
    return optimizerBytesPerParameter;
  }

  /** What the optimizer state holds, in words. */
  public String optimizerContents() {
    return optimizerContents;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
