package org.orzspark.model;

import ai.djl.ndarray.types.DataType;

/**
 * How a model stores its weights and in which dtype its forward computes. Inference models
 * (rollout, experience) store the weights in the compute dtype (half the memory in bf16); a model
 * that an optimizer updates keeps float32 master weights and casts them to the compute dtype in
 * each forward (the cast is differentiable, so gradients reach the float32 weights), as
 * mixed-precision training does. Logits and log-probabilities are float32 whatever the compute
 * dtype.
 *
 * @param weights dtype of the stored parameters
 * @param compute dtype of activations, matmuls and the KV cache
 */
public record ComputePrecision(DataType weights, DataType compute) {
  /** Everything in float32: today's bit-exact behaviour. */
  public static final ComputePrecision FP32 =
      new ComputePrecision(DataType.FLOAT32, DataType.FLOAT32);

  /** Weights and compute in {@code compute}: for generation and no-gradient forwards. */
  public static ComputePrecision inference(DataType compute) {
    return new ComputePrecision(compute, compute);
  }

  /** Float32 master weights, forward in {@code compute}: for a model an optimizer updates. */
  public static ComputePrecision training(DataType compute) {
    return new ComputePrecision(DataType.FLOAT32, compute);
  }
}
