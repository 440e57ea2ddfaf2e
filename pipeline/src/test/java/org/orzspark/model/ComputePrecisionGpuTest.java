package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.orzspark.stages.TaskDevices;

/**
 * bf16 and fp16 models on GPU 0 against float32 on the same GPU, within {@link
 * PrecisionChecks#assertWithinBounds}; run by {@code .ci/gpu-check} on a CUDA host.
 */
@Tag("gpu")
class ComputePrecisionGpuTest {

  @Test
  void theAssignedGpuIsUsableAndAutoComputesInBf16There() {
    assertThat(Engine.getInstance().getGpuCount()).as("GPUs the engine sees").isPositive();
    Device device = TaskDevices.usable(Device.gpu(0), Engine.getInstance().getGpuCount());
    assertThat(device).isEqualTo(Device.gpu(0));
    assertThat(ModelDtype.AUTO.resolve(device)).isEqualTo(DataType.BFLOAT16);
  }

  @Test
  void aBf16ModelStaysNearFloat32AndSamplesWhatItsForwardScores() throws Exception {
    PrecisionChecks.assertWithinBounds(
        PrecisionChecks.measure(Device.gpu(0), DataType.BFLOAT16), DataType.BFLOAT16);
  }

  @Test
  void anFp16ModelStaysNearFloat32AndSamplesWhatItsForwardScores() throws Exception {
    PrecisionChecks.assertWithinBounds(
        PrecisionChecks.measure(Device.gpu(0), DataType.FLOAT16), DataType.FLOAT16);
  }
}
