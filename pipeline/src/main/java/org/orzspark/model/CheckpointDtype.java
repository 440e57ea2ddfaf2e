package org.orzspark.model;

/**
 * The dtype a checkpoint's policy and critic weights are written in ({@code checkpoint.dtype}).
 * Below fp32, the fp32 master weights travel in the optimizer state beside them, so training
 * resumes from the masters, not from the rounded weights.
 */
public enum CheckpointDtype {
  FP32(SafetensorsDtype.F32),
  BF16(SafetensorsDtype.BF16);

  private final SafetensorsDtype safetensors;

  CheckpointDtype(SafetensorsDtype safetensors) {
    this.safetensors = safetensors;
  }

  public SafetensorsDtype safetensors() {
    return safetensors;
  }

  /** Whether the weights are rounded, so the optimizer state must carry fp32 masters. */
  public boolean needsMasters() {
    return this != FP32;
  }
}
