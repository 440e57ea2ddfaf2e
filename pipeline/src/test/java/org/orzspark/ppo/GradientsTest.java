package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.autograd.HostChunks;

class GradientsTest {
  @Test
  void readAndWriteRoundTripInParameterOrder() {
    try (TinyModel model = new TinyModel(1);
        TinyModel policy = new TinyModel(TinyModel.VOCAB)) {
      accumulate(model, policy);
      assertThat(Gradients.size(model.parameters())).isEqualTo(4 * 6 + 4 + 1);
      float[] expected = model.gradients();
      assertThat(read(model, 0, expected.length)).isEqualTo(expected);
      // A stretch across the boundary of the first two tensors (4 x 6 weights, then 4 values).
      assertThat(read(model, 22, 5)).isEqualTo(Arrays.copyOfRange(expected, 22, 27));

      float[] doubled = expected.clone();
      for (int i = 0; i < doubled.length; i++) {
        doubled[i] *= 2;
      }
      ByteBuffer values = HostChunks.buffer(5);
      values.asFloatBuffer().put(doubled, 22, 5);
      Gradients.write(model.parameters(), 22, values);
      float[] after = model.gradients();
      for (int i = 0; i < after.length; i++) {
        assertThat(after[i]).as("[%d]", i).isEqualTo(i >= 22 && i < 27 ? doubled[i] : expected[i]);
      }
      double norm = 0;
      for (float g : after) {
        norm += (double) g * g;
      }
      assertThat(Gradients.globalNorm(model.parameters())).isCloseTo(Math.sqrt(norm), within(1e-6));
      assertThatThrownBy(() -> read(model, 27, 3)).hasMessageContaining("outside 29 parameters");
    }
  }

  @Test
  void allReduceSumsBucketByBucketAcrossTensorBoundaries() {
    int savedBucket = Gradients.bucketFloats;
    try (TinyModel model = new TinyModel(1);
        TinyModel policy = new TinyModel(TinyModel.VOCAB)) {
      accumulate(model, policy);
      float[] expected = model.gradients();
      // 29 gradients + 2 extras in buckets of 4: seven full buckets and one of 3; the extras share
      // the last bucket with the last gradient. Each bucket comes back as a fresh buffer, tripled.
      Gradients.bucketFloats = 4;
      List<Integer> buckets = new ArrayList<>();
      float[] extras = {1.5f, -2f};
      Gradients.allReduce(
          model.parameters(),
          extras,
          local -> {
            buckets.add(local.remaining());
            float[] sums = new float[local.remaining()];
            for (int i = 0; i < sums.length; i++) {
              sums[i] = 3 * local.get(local.position() + i);
            }
            return FloatBuffer.wrap(sums);
          });
      assertThat(buckets).containsExactly(4, 4, 4, 4, 4, 4, 4, 3);
      assertThat(extras).containsExactly(4.5f, -6f);
      float[] after = model.gradients();
      for (int i = 0; i < after.length; i++) {
        assertThat(after[i]).as("[%d]", i).isEqualTo(3 * expected[i]);
      }
    } finally {
      Gradients.bucketFloats = savedBucket;
    }
  }

  @Test
  void zeroClearsEvenNaNGradients() {
    try (TinyModel model = new TinyModel(1)) {
      int size = (int) Gradients.size(model.parameters());
      GradientAccumulator.accumulate(model.parameters(), List.of(), (r, scope) -> null);
      ByteBuffer nan = HostChunks.buffer(size);
      for (int i = 0; i < size; i++) {
        nan.asFloatBuffer().put(i, Float.NaN);
      }
      Gradients.write(model.parameters(), 0, nan);
      assertThat(Gradients.globalNorm(model.parameters())).isNaN();
      Gradients.zero(model.parameters());
      assertThat(Gradients.globalNorm(model.parameters())).isZero();
    }
  }

  private static void accumulate(TinyModel model, TinyModel policy) {
    ToyExperience exp = new ToyExperience(3, 1, policy, model);
    int[] rows = MiniBatches.range(0, 3);
    GradientAccumulator.accumulate(
        model.parameters(), List.of(rows), (r, scope) -> exp.valueLoss(model, r, scope, 3));
  }

  private static float[] read(TinyModel model, long from, int count) {
    float[] values = new float[count];
    Gradients.read(model.parameters(), from, FloatBuffer.wrap(values));
    return values;
  }
}
