package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GradientsTest {
  @Test
  void flattenAndUnflattenRoundTripInParameterOrder() {
    try (TinyModel model = new TinyModel(1);
        TinyModel policy = new TinyModel(TinyModel.VOCAB)) {
      ToyExperience exp = new ToyExperience(3, 1, policy, model);
      int[] rows = MiniBatches.range(0, 3);
      GradientAccumulator.accumulate(
          model.parameters(), List.of(rows), (r, scope) -> exp.valueLoss(model, r, scope, 3));
      float[] flat = Gradients.flatten(model.parameters(), 2);
      assertThat(flat).hasSize((int) Gradients.size(model.parameters()) + 2);
      assertThat(Gradients.size(model.parameters())).isEqualTo(4 * 6 + 4 + 1);
      float[] expected = model.gradients();
      assertThat(java.util.Arrays.copyOf(flat, expected.length)).isEqualTo(expected);
      assertThat(flat[flat.length - 1]).isZero();

      float[] doubled = flat.clone();
      for (int i = 0; i < doubled.length; i++) {
        doubled[i] *= 2;
      }
      Gradients.unflatten(model.parameters(), doubled);
      float[] after = model.gradients();
      for (int i = 0; i < after.length; i++) {
        assertThat(after[i]).isEqualTo(2 * expected[i]);
      }
      double norm = 0;
      for (float g : after) {
        norm += (double) g * g;
      }
      assertThat(Gradients.globalNorm(model.parameters()))
          .isCloseTo(Math.sqrt(norm), org.assertj.core.api.Assertions.within(1e-6));
      assertThatThrownBy(() -> Gradients.unflatten(model.parameters(), new float[3]))
          .hasMessageContaining("too short");
    }
  }

  @Test
  void zeroClearsEvenNaNGradients() {
    try (TinyModel model = new TinyModel(1)) {
      float[] nan = new float[(int) Gradients.size(model.parameters())];
      java.util.Arrays.fill(nan, Float.NaN);
      GradientAccumulator.accumulate(model.parameters(), List.of(), (r, scope) -> null);
      Gradients.unflatten(model.parameters(), nan);
      assertThat(Gradients.globalNorm(model.parameters())).isNaN();
      Gradients.zero(model.parameters());
      assertThat(Gradients.globalNorm(model.parameters())).isZero();
    }
  }
}
