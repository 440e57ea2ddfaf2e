package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.ppo.GradientAccumulator;
import org.orzspark.ppo.Gradients;
import org.orzspark.testing.FreshManagerTest;

/**
 * A batch whose rows start with the same tokens computes that prefix once: log-probabilities,
 * entropies, values and gradients must equal those of the full forward.
 */
class SharedPrefixTest extends FreshManagerTest {
  private static final int VOCAB = 97;

  @Test
  void prefixLengthIsTheCommonStartOfEveryRowsFirstSequence() {
    int[] prefix = TestModels.randomTokens(20, VOCAB, 1);
    int[] a = concat(prefix, new int[] {5, 6, 7});
    int[] b = concat(prefix, new int[] {8});
    assertThat(TokenBatch.padded(new int[][] {a, b}).sharedPrefixLength()).isEqualTo(20);
    // a row that is all prefix keeps its last token as its own
    assertThat(TokenBatch.padded(new int[][] {a, prefix}).sharedPrefixLength()).isEqualTo(19);
    int[] c = a.clone();
    c[18] = (c[18] + 1) % VOCAB;
    assertThat(TokenBatch.padded(new int[][] {a, b, c}).sharedPrefixLength()).isEqualTo(18);
    c[3] = (c[3] + 1) % VOCAB;
    assertThat(TokenBatch.padded(new int[][] {a, b, c}).sharedPrefixLength())
        .as("below the minimum")
        .isZero();
    assertThat(TokenBatch.padded(new int[][] {a}).sharedPrefixLength()).as("one row").isZero();
    assertThat(TokenBatch.padded(new int[][] {a, b}).withoutSharedPrefix().sharedPrefixLength())
        .isZero();
    // packed: every sequence of every row counts, a single row included
    assertThat(TokenBatch.packed(new int[][][] {{a, b}, {b, a}}, 60).sharedPrefixLength())
        .isEqualTo(20);
    assertThat(TokenBatch.packed(new int[][][] {{a, b}}, 60).sharedPrefixLength()).isEqualTo(20);
    assertThat(
            TokenBatch.packed(new int[][][] {{a, new int[] {1, 2}}, {b}}, 60).sharedPrefixLength())
        .as("a later sequence without the prefix")
        .isZero();
  }

  @Test
  void sharedPrefixForwardEqualsTheFullForward() {
    int[] prefix = TestModels.randomTokens(24, VOCAB, 2);
    TokenBatch padded =
        TokenBatch.padded(
            new int[][] {
              concat(prefix, TestModels.randomTokens(9, VOCAB, 3)),
              concat(prefix, TestModels.randomTokens(4, VOCAB, 4)),
              concat(prefix, TestModels.randomTokens(13, VOCAB, 5))
            });
    // packed rows: every sequence reads the prefix, and nothing of the sequences beside it
    TokenBatch packed =
        TokenBatch.packed(
            new int[][][] {
              {
                concat(prefix, TestModels.randomTokens(5, VOCAB, 6)),
                concat(prefix, TestModels.randomTokens(1, VOCAB, 7)),
                concat(prefix, TestModels.randomTokens(7, VOCAB, 10))
              },
              {concat(prefix, TestModels.randomTokens(11, VOCAB, 8))}
            },
            90);
    for (TokenBatch batch : List.of(padded, packed)) {
      assertThat(batch.sharedPrefixLength()).isEqualTo(24);
      try (PolicyModel policy = PolicyModel.random(TestModels.untied(), 9, manager);
          CriticModel critic =
              CriticModel.random(TestModels.untied(), 9, ValueHeadInit.NORMAL, manager);
          NDManager work = manager.newSubManager()) {
        TokenLogProbs shared = policy.tokenLogProbsAndEntropy(batch, work);
        TokenLogProbs full = policy.tokenLogProbsAndEntropy(batch.withoutSharedPrefix(), work);
        assertClose(shared.logProbs().toFloatArray(), full.logProbs().toFloatArray(), 2e-5);
        assertClose(shared.entropy().toFloatArray(), full.entropy().toFloatArray(), 2e-5);
        assertClose(
            critic.values(batch, work).toFloatArray(),
            critic.values(batch.withoutSharedPrefix(), work).toFloatArray(),
            2e-5);

        assertClose(
            gradients(policy, (b, scope) -> policy.tokenLogProbs(b, scope).sum(), batch),
            gradients(
                policy,
                (b, scope) -> policy.tokenLogProbs(b, scope).sum(),
                batch.withoutSharedPrefix()),
            2e-4);
        assertClose(
            gradients(critic, (b, scope) -> critic.values(b, scope).square().sum(), batch),
            gradients(
                critic,
                (b, scope) -> critic.values(b, scope).square().sum(),
                batch.withoutSharedPrefix()),
            2e-4);
      }
    }
  }

  private static float[] gradients(
      Qwen2Model model, org.orzspark.ppo.MicroBatchLoss<TokenBatch> loss, TokenBatch batch) {
    GradientAccumulator.accumulate(model.parameters(), List.of(batch), loss);
    float[] flat = new float[(int) Gradients.size(model.parameters())];
    Gradients.read(model.parameters(), 0, java.nio.FloatBuffer.wrap(flat));
    return flat;
  }

  private static void assertClose(float[] actual, float[] expected, double tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    float scale = 1;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i])
          .as("element %d", i)
          .isCloseTo(expected[i], within(tolerance * scale));
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
