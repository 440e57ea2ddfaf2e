package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which device a task is assigned, and where it can allocate, by hand-picked cases. */
class TaskDevicesTest {

  @Test
  void theFirstAssignedAddressIsTheTasksGpuAndNoAddressIsTheCpu() {
    assertThat(TaskDevices.assigned(List.of())).isEqualTo(Device.cpu());
    assertThat(TaskDevices.assigned(List.of("0"))).isEqualTo(Device.gpu(0));
    assertThat(TaskDevices.assigned(List.of("1"))).isEqualTo(Device.gpu(1));
    // a task given two GPUs runs its model on the first
    assertThat(TaskDevices.assigned(List.of("3", "2"))).isEqualTo(Device.gpu(3));
    assertThatThrownBy(() -> TaskDevices.assigned(List.of("GPU-8f2c")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'GPU-8f2c' is not a CUDA ordinal");
    assertThatThrownBy(() -> TaskDevices.assigned(List.of("-1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEngineWithoutGpusRunsOnTheCpuAndOneWithoutTheAssignedGpuFails() {
    assertThat(TaskDevices.usable(Device.gpu(1), 2)).isEqualTo(Device.gpu(1));
    assertThat(TaskDevices.usable(Device.cpu(), 2)).isEqualTo(Device.cpu());
    // fake GPU addresses, or a CPU-only libtorch
    assertThat(TaskDevices.usable(Device.gpu(1), 0)).isEqualTo(Device.cpu());
    assertThatThrownBy(() -> TaskDevices.usable(Device.gpu(2), 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("assigned gpu(2) but the engine sees only 2 GPU(s)");
  }

  @Test
  void outsideATaskTheDeviceIsTheCpu() {
    assertThat(TaskDevices.assigned()).isEqualTo(Device.cpu());
    assertThat(TaskDevices.current()).isEqualTo(Device.cpu());
  }
}
