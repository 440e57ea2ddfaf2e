package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.model.CriticModel;
import org.orzspark.model.ModelDtype;
import org.orzspark.model.TestModels;

/** The executor's model cache is keyed by (checkpoint, device, dtype). */
class ExecutorModelsTest {

  @Test
  void onePlacementSharesOneModelAndAnotherDtypeGetsItsOwn(@TempDir Path dir) throws Exception {
    Path folder = dir.resolve("critic");
    TestModels.checkpoint(TestModels.untied(), 6, true).write(folder);
    ExecutorModels.Placement fp32 = ExecutorModels.Placement.forTask(ModelDtype.AUTO);
    // outside a Spark task: the CPU, where auto means fp32
    assertThat(fp32).isEqualTo(new ExecutorModels.Placement(Device.cpu(), DataType.FLOAT32));
    ExecutorModels.Placement fp16 = new ExecutorModels.Placement(Device.cpu(), DataType.FLOAT16);
    try (ExecutorModels.Lease<CriticModel> first = ExecutorModels.critic(folder, fp32);
        ExecutorModels.Lease<CriticModel> second = ExecutorModels.critic(folder, fp32);
        ExecutorModels.Lease<CriticModel> half = ExecutorModels.critic(folder, fp16)) {
      assertThat(second.get()).isSameAs(first.get());
      assertThat(half.get()).isNotSameAs(first.get());
      assertThat(first.get().decoder().dtype()).isEqualTo(DataType.FLOAT32);
      assertThat(half.get().decoder().dtype()).isEqualTo(DataType.FLOAT16);
      assertThat(half.get().parameters().valueAt(0).getArray().getDevice()).isEqualTo(Device.cpu());
    }
  }
}
