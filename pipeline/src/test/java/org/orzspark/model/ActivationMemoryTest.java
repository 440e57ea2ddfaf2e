package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.orzspark.ppo.GradientAccumulator;
import org.orzspark.ppo.Gradients;
import org.orzspark.ppo.MicroBatchLoss;
import org.orzspark.testing.FreshManagerTest;

/**
 * Fast-vs-reference equivalence of the {@link ActivationMemory} modes on tiny random Qwen2 models:
 * every mode gives today's ({@link ActivationMemory#KEEP}) log-probabilities, entropies, values and
 * parameter gradients, to float32 rounding. Tolerance: 1e-5 of the largest magnitude compared
 * (float32 has a 6e-8 unit roundoff; sums over a few hundred terms in another order differ by far
 * less than 1e-5 relative, while a missing or doubled gradient term is off by O(1)).
 */
class ActivationMemoryTest extends FreshManagerTest {
  private static final double TOLERANCE = 1e-5;

  /** Rows of unequal length (padding), packed rows (block-diagonal), and a shared prefix. */
  static List<TokenBatch> batches(int vocab) {
    int[] prefix = TestModels.randomTokens(20, vocab, 2);
    return List.of(
        TokenBatch.padded(
            new int[][] {
              TestModels.randomTokens(23, vocab, 3), TestModels.randomTokens(9, vocab, 4)
            }),
        TokenBatch.packed(
            new int[][][] {
              {TestModels.randomTokens(11, vocab, 5), TestModels.randomTokens(7, vocab, 6)},
              {TestModels.randomTokens(16, vocab, 7)}
            },
            20),
        TokenBatch.padded(
            new int[][] {
              concat(prefix, TestModels.randomTokens(6, vocab, 8)),
              concat(prefix, TestModels.randomTokens(3, vocab, 9))
            }));
  }

  @Test
  void recomputedLogitsGiveTodaysLogProbsEntropiesAndGradients() {
    for (Qwen2Config config : List.of(TestModels.untied(), TestModels.tied())) {
      for (TokenBatch batch : batches(config.vocabSize())) {
        try (PolicyModel policy =
            PolicyModel.fromCheckpoint(TestModels.checkpoint(config, 5, false), manager)) {
          // chunks of 4 tokens, so the recomputation goes over several chunks
          policy.setLogitChunkFloats(4 * config.vocabSize());
          Outputs keep = policyOutputs(policy, batch, ActivationMemory.KEEP);
          Outputs recomputed = policyOutputs(policy, batch, ActivationMemory.RECOMPUTE_LOGITS);
          assertClose(recomputed.values(), keep.values());
          assertClose(recomputed.entropy(), keep.entropy());
          assertClose(recomputed.gradients(), keep.gradients());
          assertThat(max(keep.gradients())).as("a gradient to compare").isGreaterThan(1e-3);
        } catch (CheckpointException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @Test
  void attentionInQueryBlocksGivesTheWholeSequencesOutputsAndGradients() {
    for (Qwen2Config config : List.of(TestModels.untied(), TestModels.tied())) {
      for (TokenBatch batch : batches(config.vocabSize())) {
        try (PolicyModel policy =
                PolicyModel.fromCheckpoint(TestModels.checkpoint(config, 5, false), manager);
            CriticModel critic =
                CriticModel.fromCheckpoint(
                    TestModels.checkpoint(config, 6, true), manager, ValueHeadInit.NORMAL, 0)) {
          Outputs policyWhole = policyOutputs(policy, batch, ActivationMemory.KEEP);
          Outputs criticWhole = criticOutputs(critic, batch, ActivationMemory.KEEP);
          // one query row per block
          policy.decoder().setAttentionBlockFloats(1);
          critic.decoder().setAttentionBlockFloats(1);
          Outputs policyBlocks = policyOutputs(policy, batch, ActivationMemory.KEEP);
          Outputs criticBlocks = criticOutputs(critic, batch, ActivationMemory.KEEP);
          assertClose(policyBlocks.values(), policyWhole.values());
          assertClose(policyBlocks.entropy(), policyWhole.entropy());
          assertClose(policyBlocks.gradients(), policyWhole.gradients());
          assertClose(criticBlocks.values(), criticWhole.values());
          assertClose(criticBlocks.gradients(), criticWhole.gradients());
        } catch (CheckpointException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @Test
  void recomputedLayersGiveTodaysOutputsAndGradients() {
    for (Qwen2Config config : List.of(TestModels.untied(), TestModels.tied())) {
      for (TokenBatch batch : batches(config.vocabSize())) {
        try (PolicyModel policy =
                PolicyModel.fromCheckpoint(TestModels.checkpoint(config, 5, false), manager);
            CriticModel critic =
                CriticModel.fromCheckpoint(
                    TestModels.checkpoint(config, 6, true), manager, ValueHeadInit.NORMAL, 0)) {
          Outputs policyKeep = policyOutputs(policy, batch, ActivationMemory.KEEP);
          Outputs criticKeep = criticOutputs(critic, batch, ActivationMemory.KEEP);
          // several logit chunks and attention blocks of 5 query rows in the recomputation
          policy.setLogitChunkFloats(4 * config.vocabSize());
          long heads = config.numAttentionHeads();
          long blockFloats = 5 * batch.rows() * heads * batch.length();
          policy.decoder().setAttentionBlockFloats(blockFloats);
          critic.decoder().setAttentionBlockFloats(blockFloats);
          Outputs policyRecomputed =
              policyOutputs(policy, batch, ActivationMemory.RECOMPUTE_LAYERS);
          Outputs criticRecomputed =
              criticOutputs(critic, batch, ActivationMemory.RECOMPUTE_LAYERS);
          assertClose(policyRecomputed.values(), policyKeep.values());
          assertClose(policyRecomputed.entropy(), policyKeep.entropy());
          assertClose(policyRecomputed.gradients(), policyKeep.gradients());
          assertClose(criticRecomputed.values(), criticKeep.values());
          assertClose(criticRecomputed.gradients(), criticKeep.gradients());
        } catch (CheckpointException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @Test
  void withoutAutogradEveryModeIsThePlainForward() {
    TokenBatch batch = batches(TestModels.untied().vocabSize()).get(1);
    try (PolicyModel policy = PolicyModel.random(TestModels.untied(), 3, manager);
        NDManager work = manager.newSubManager();
        GradMode off = GradMode.disabled()) {
      float[] keep =
          policy
              .tokenLogProbsAndEntropy(batch, work, ActivationMemory.KEEP)
              .logProbs()
              .toFloatArray();
      for (ActivationMemory memory : ActivationMemory.values()) {
        assertThat(policy.tokenLogProbsAndEntropy(batch, work, memory).logProbs().toFloatArray())
            .as(memory.name())
            .containsExactly(keep);
      }
    }
  }

  /** Values and the gradient of Σ w·V² with fixed random weights w. */
  private Outputs criticOutputs(CriticModel critic, TokenBatch batch, ActivationMemory memory) {
    float[][] forward = new float[1][];
    MicroBatchLoss<TokenBatch> loss =
        (b, scope) -> {
          NDArray values = critic.values(b, scope, memory);
          forward[0] = values.toFloatArray();
          return values.square().mul(weights(scope, b)).sum();
        };
    GradientAccumulator.accumulate(critic.parameters(), List.of(batch), loss);
    return new Outputs(forward[0], null, gradients(critic.parameters()));
  }

  /** Values, entropies, and the gradient of Σ w·log p with fixed random weights w. */
  private Outputs policyOutputs(PolicyModel policy, TokenBatch batch, ActivationMemory memory) {
    float[][] forward = new float[2][];
    MicroBatchLoss<TokenBatch> loss =
        (b, scope) -> {
          TokenLogProbs predicted = policy.tokenLogProbsAndEntropy(b, scope, memory);
          forward[0] = predicted.logProbs().toFloatArray();
          forward[1] = predicted.entropy().toFloatArray();
          return predicted.logProbs().mul(weights(scope, b)).sum();
        };
    GradientAccumulator.accumulate(policy.parameters(), List.of(batch), loss);
    return new Outputs(forward[0], forward[1], gradients(policy.parameters()));
  }

  private static float[] gradients(ai.djl.nn.ParameterList parameters) {
    float[] flat = new float[Math.toIntExact(Gradients.size(parameters))];
    Gradients.read(parameters, 0, java.nio.FloatBuffer.wrap(flat));
    return flat;
  }

  private record Outputs(float[] values, float[] entropy, float[] gradients) {}

  /** Per-token loss weights in [−1, 1]: every token's incoming gradient differs. */
  static NDArray weights(NDManager scope, TokenBatch batch) {
    SplittableRandom random = new SplittableRandom(17);
    float[] w = new float[batch.rows() * batch.length()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (2 * random.nextDouble() - 1);
    }
    return scope.create(w, new ai.djl.ndarray.types.Shape(batch.rows(), batch.length()));
  }

  static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    double scale = Math.max(max(expected), 1e-6);
    for (int i = 0; i < actual.length; i++) {
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("element %d: %s vs %s", i, actual[i], expected[i])
          .isLessThanOrEqualTo((float) (TOLERANCE * scale));
    }
  }

  static double max(float[] values) {
    double max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
