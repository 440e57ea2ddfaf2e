package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;

class CompletionTrainerTest {

  /** vocab 40, width 32, 1 layer: a few ms per step. */
  static Qwen2Config micro() {
    return new Qwen2Config(
        40, 32, 64, 1, 2, 1, 128, 10000.0, 1e-6, true, null, List.of(0), "float32");
  }

  @Test
  void learningRateWarmsUpLinearlyThenDecaysAlongACosine() {
    Tracker rates =
        CompletionTrainer.learningRates(new CompletionTrainer.Schedule(1e-3, 10, 110, 0.1, 1));

    assertThat(rates.getNewValue(5)).isCloseTo(5e-4f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(rates.getNewValue(10)).isCloseTo(1e-3f, org.assertj.core.data.Offset.offset(1e-6f));
    // Halfway through the cosine (50 of 100 updates): final + (peak - final) / 2 = 5.5e-4.
    assertThat(rates.getNewValue(60))
        .isCloseTo(5.5e-4f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(rates.getNewValue(110)).isCloseTo(1e-4f, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void aFewStepsOnAFixedBatchLowerTheCompletionLoss() {
    // Completions continue the prompt's counting pattern: learnable in a few steps.
    SplittableRandom random = new SplittableRandom(1);
    List<CompletionBatch.Sequence> rows = new ArrayList<>();
    for (int r = 0; r < 8; r++) {
      int start = 1 + random.nextInt(20);
      rows.add(
          new CompletionBatch.Sequence(
              new int[] {start, start + 1, start + 2},
              new int[] {start + 3, start + 4, start + 5}));
    }
    CompletionBatch batch = CompletionBatch.of(rows);
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel model = PolicyModel.random(micro(), 7, manager);
        CompletionTrainer trainer =
            new CompletionTrainer(model, new CompletionTrainer.Schedule(1e-2, 2, 30, 0.1, 1.0))) {
      NDManager modelManager = model.parameters().get(0).getValue().getArray().getManager();
      List<Double> losses = new ArrayList<>();
      int arraysAfterFirstSteps = 0;
      for (int step = 0; step < 30; step++) {
        CompletionTrainer.StepResult result = trainer.step(batch);
        losses.add(result.loss());
        assertThat(result.gradNorm()).isPositive().isFinite();
        if (step == 1) {
          // Adam's moments exist from the first update on; nothing else may stay behind.
          arraysAfterFirstSteps = modelManager.getManagedArrays().size();
        }
      }
      assertThat(modelManager.getManagedArrays()).hasSize(arraysAfterFirstSteps);
      // Uniform over 40 ids is ln 40 = 3.69 nats.
      assertThat(losses.get(0)).isBetween(2.5, 5.0);
      assertThat(losses.get(29)).isLessThan(losses.get(0) * 0.5);
    }
  }

  @Test
  void rejectsAScheduleWithoutStepsAfterWarmUp() {
    assertThatThrownBy(() -> new CompletionTrainer.Schedule(1e-3, 10, 10, 0.1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmupSteps < totalSteps")
        .hasMessageEndingWith(
            "got learningRate 0.001, warmupSteps 10, totalSteps 10, maxGradNorm 1.0");
  }
}
