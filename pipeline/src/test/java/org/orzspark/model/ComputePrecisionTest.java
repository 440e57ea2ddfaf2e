package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/**
 * {@code model.dtype} on the CPU: how each choice resolves, and an fp16 model (PyTorch 2.7.1 runs
 * fp16 on the CPU; bf16 is refused there) against float32 within {@link
 * PrecisionChecks#assertWithinBounds}. The float32 path never casts, so it is today's, bit for bit
 * (every other model test runs it).
 */
class ComputePrecisionTest {

  @Test
  void autoIsBf16OnAGpuAndFp32OnTheCpu() {
    assertThat(ModelDtype.AUTO.resolve(Device.cpu())).isEqualTo(DataType.FLOAT32);
    assertThat(ModelDtype.AUTO.resolve(Device.gpu(1))).isEqualTo(DataType.BFLOAT16);
    assertThat(ModelDtype.FP32.resolve(Device.gpu(0))).isEqualTo(DataType.FLOAT32);
    assertThat(ModelDtype.FP16.resolve(Device.cpu())).isEqualTo(DataType.FLOAT16);
    assertThat(ModelDtype.BF16.resolve(Device.gpu(0))).isEqualTo(DataType.BFLOAT16);
    assertThatThrownBy(() -> ModelDtype.BF16.resolve(Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.dtype=bf16 needs a GPU");
  }

  @Test
  void anFp16ModelStaysNearFloat32AndSamplesWhatItsForwardScores() throws Exception {
    PrecisionChecks.assertWithinBounds(
        PrecisionChecks.measure(Device.cpu(), DataType.FLOAT16), DataType.FLOAT16);
  }
}
