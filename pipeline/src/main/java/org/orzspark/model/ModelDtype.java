package org.orzspark.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * The compute dtype of generation and of the training forwards ({@code model.dtype}): weights,
 * activations and KV cache in it; logits, log-probabilities and sampling always in float32. {@link
 * #AUTO} is resolved where the model runs (an executor), so a run configured on a driver without a
 * GPU still computes in bf16 on GPU executors.
 */
public enum ModelDtype {
  /** bf16 on a GPU, fp32 on CPU. */
  AUTO,
  FP32,
  BF16,
  FP16;

  /**
   * The dtype to compute in on {@code device}. bf16 is refused on CPU: DJL's PyTorch engine aborts
   * the JVM on some CPU bf16 kernels instead of raising an error.
   *
   * @throws IllegalArgumentException for {@link #BF16} on a CPU
   */
  public DataType resolve(Device device) {
    boolean gpu = device.isGpu();
    return switch (this) {
      case AUTO -> gpu ? DataType.BFLOAT16 : DataType.FLOAT32;
      case FP32 -> DataType.FLOAT32;
      case FP16 -> DataType.FLOAT16;
      case BF16 -> {
        if (!gpu) {
          throw new IllegalArgumentException(
              "model.dtype=bf16 needs a GPU (this task runs on "
                  + device
                  + "); use auto, fp32 or fp16");
        }
        yield DataType.BFLOAT16;
      }
    };
  }
}
