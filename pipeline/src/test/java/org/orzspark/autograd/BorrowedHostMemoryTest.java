package org.orzspark.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.Qwen2Model;
import org.orzspark.model.TestModels;
import org.orzspark.model.TokenBatch;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.ppo.GradientAccumulator;
import org.orzspark.ppo.Gradients;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.LossWeights;
import org.orzspark.ppo.MicroBatchLoss;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.ValueLoss;
import org.orzspark.testing.FreshManagerTest;

/**
 * On CPU, DJL builds an array from Java data (a mask, or the constant of {@code mul(Number)}) on a
 * direct buffer that PyTorch borrows, and frees the buffer once the array is closed and collected;
 * autograd may still hold the tensor until {@code backward}. The update once produced gradients of
 * ~1e29 or crashed inside the autograd engine, at random. Here the garbage collector runs and freed
 * blocks are refilled with huge values between the forward and the backward pass of the policy and
 * critic micro-batch losses: the gradients must equal those of an undisturbed pass, bit for bit.
 * Likewise gradients written from Java (the all-reduced sums) must keep their values.
 */
class BorrowedHostMemoryTest extends FreshManagerTest {
  private static final Qwen2Config CONFIG = TestModels.untied();
  private static final TokenBatch BATCH =
      TokenBatch.padded(
          new int[][] {
            TestModels.randomTokens(16, 97, 1),
            TestModels.randomTokens(11, 97, 2),
            TestModels.randomTokens(7, 97, 3)
          });

  @Test
  void policyLossGradientsSurviveCollectedTemporaries() {
    try (PolicyModel policy = PolicyModel.random(CONFIG, 5, manager)) {
      MicroBatchLoss<TokenBatch> loss =
          (batch, scope) -> {
            NDArray logProbs = policy.tokenLogProbs(batch, scope);
            return PolicyLoss.ORZ
                .compute(
                    logProbs,
                    perToken(scope, 11, -3, -1),
                    perToken(scope, 12, -1, 1),
                    weights(scope),
                    null,
                    null)
                .loss();
          };
      assertThat(maxAbsDifference(gradients(policy, loss, true), gradients(policy, loss, false)))
          .isZero();
    }
  }

  @Test
  void valueLossGradientsSurviveCollectedTemporaries() {
    try (CriticModel critic = CriticModel.random(CONFIG, 5, ValueHeadInit.UNIFORM, manager)) {
      MicroBatchLoss<TokenBatch> loss =
          (batch, scope) -> {
            NDArray values = critic.values(batch, scope);
            return ValueLoss.CLIPPED
                .compute(
                    values, perToken(scope, 13, -1, 1), perToken(scope, 14, 0, 1), weights(scope))
                .loss();
          };
      assertThat(maxAbsDifference(gradients(critic, loss, true), gradients(critic, loss, false)))
          .isZero();
    }
  }

  @Test
  void gradientsWrittenFromJavaKeepTheirValuesAfterCollection() {
    try (PolicyModel policy = PolicyModel.random(CONFIG, 6, manager)) {
      float[] quiet =
          gradients(policy, (batch, scope) -> policy.tokenLogProbs(batch, scope).sum(), false);
      float[] written = new float[quiet.length];
      for (int i = 0; i < written.length; i++) {
        written[i] = quiet[i] * 3 + 1;
      }
      ByteBuffer values = HostChunks.buffer(written.length);
      values.asFloatBuffer().put(written);
      Gradients.write(policy.parameters(), 0, values);
      List<ByteBuffer> overwrites = new ArrayList<>();
      overwriteFreedHostMemory(
          policy.parameters().values().stream()
              .mapToInt(p -> (int) p.getArray().size() * Float.BYTES)
              .distinct()
              .toArray(),
          overwrites);
      assertThat(maxAbsDifference(flatGradients(policy), written)).isZero();
    }
  }

  private static float[] gradients(
      Qwen2Model model, MicroBatchLoss<TokenBatch> loss, boolean disturb) {
    List<ByteBuffer> overwrites = new ArrayList<>();
    GradientAccumulator.accumulate(
        model.parameters(),
        List.of(BATCH),
        (batch, scope) -> {
          NDArray value = loss.loss(batch, scope);
          if (disturb) {
            // the constants of mul/div(Number) and the [B, T] masks
            overwriteFreedHostMemory(
                new int[] {Float.BYTES, BATCH.rows() * BATCH.length() * 4}, overwrites);
          }
          return value;
        });
    return flatGradients(model);
  }

  private static float[] flatGradients(Qwen2Model model) {
    float[] flat = new float[(int) Gradients.size(model.parameters())];
    Gradients.read(model.parameters(), 0, java.nio.FloatBuffer.wrap(flat));
    return flat;
  }

  private static LossWeights weights(NDManager scope) {
    NDArray responseMask =
        scope.create(BATCH.tokenMask(), new Shape(BATCH.rows(), BATCH.length())).gt(0);
    return LossReduction.SEQUENCE_MEAN.weights(responseMask, null);
  }

  /** Seeded uniform values in [from, to) per token. */
  private static NDArray perToken(NDManager scope, long seed, double from, double to) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[BATCH.rows() * BATCH.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble(from, to);
    }
    return scope.create(values, new Shape(BATCH.rows(), BATCH.length()));
  }

  private static float maxAbsDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      float d = Math.abs(a[i] - b[i]);
      max = Float.isNaN(d) ? Float.POSITIVE_INFINITY : Math.max(max, d);
    }
    return max;
  }

  /** Collects unreachable direct buffers, then refills blocks of the same sizes with 1e29. */
  private static void overwriteFreedHostMemory(int[] sizes, List<ByteBuffer> keep) {
    for (int round = 0; round < 5; round++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int bytes : sizes) {
        for (int i = 0; i < 64; i++) {
          ByteBuffer block = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
          while (block.remaining() >= Float.BYTES) {
            block.putFloat(1e29f);
          }
          keep.add(block);
        }
      }
    }
  }
}
