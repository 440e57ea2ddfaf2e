package org.orzspark.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.orzspark.model.Qwen2Config;

class MemoryPlanTest {

  private static final Qwen2Config QWEN_7B = ModelShapes.named("qwen2.5-7b");
  private static final long GPU_80G = 80L << 30;

  /** The orz-7b profile: prompts ≤ 2,048 tokens, responses ≤ 8,000. */
  private static final SequenceLengths ORZ_7B_LONGEST = new SequenceLengths(2048, 8000);

  @Test
  void qwen7bWithIssue15sPlanFitsOn80GigabyteGpus() {
    MemoryPlan plan =
        MemoryPlan.of(
            QWEN_7B,
            new TrainingSetup(Precision.MIXED, true, 32, 16_384),
            ORZ_7B_LONGEST,
            64,
            GPU_80G);

    // Policy 7,615,616,512 parameters: bf16 weights and gradients 2 bytes each, 12 bytes of
    // optimizer state / 32 shards.
    assertThat(plan.policy())
        .isEqualTo(
            new ModelMemory(
                15_231_233_024L, 15_231_233_024L, 7_615_616_512L * 12 / 32, 6_643_777_536L));
    // Critic 7,070,622,720 parameters.
    assertThat(plan.critic())
        .isEqualTo(
            new ModelMemory(
                14_141_245_440L, 14_141_245_440L, 7_070_622_720L * 12 / 32, 6_643_777_536L));
    assertThat(plan.activationTokens()).isEqualTo(16_384);
    assertThat(plan.updateBytes()).isEqualTo(70_896_074_176L);
    // A row of 10,048 tokens at 57,344 bytes each.
    assertThat(plan.kvBytesPerRow()).isEqualTo(576_192_512L);
    assertThat(plan.rolloutBytes()).isEqualTo(15_231_233_024L + 64 * 576_192_512L);
    // (85,899,345,920 − 15,231,233,024) / 576,192,512 = 122.6.
    assertThat(plan.largestRolloutRows()).isEqualTo(122);
    assertThat(plan.overflows()).isEmpty();
    assertThat(plan.fits()).isTrue();
  }

  @Test
  void whatOverflowsIsNamedPerPhase() {
    // Today's engine: fp32, one optimizer copy per replica, no checkpointing, 200 rows decoded.
    MemoryPlan plan =
        MemoryPlan.of(
            QWEN_7B,
            new TrainingSetup(Precision.FP32, false, 1, 16_384),
            ORZ_7B_LONGEST,
            200,
            GPU_80G);

    // Without checkpointing 16,384 · 28 · 102,400 values of 4 bytes: 175.00 GiB of activations.
    assertThat(plan.policy().activations()).isEqualTo(16_384L * 28 * 102_400 * 4);
    assertThat(plan.fits()).isFalse();
    assertThat(plan.overflows()).hasSize(2);
    assertThat(plan.overflows().get(0))
        .startsWith("update needs ")
        .endsWith(" of 80.00 GiB, largest part activations 175.00 GiB");
    // fp32 weights 30,462,466,048 bytes leave room for (85,899,345,920 − 30,462,466,048) / (10,048
    // · 114,688).
    assertThat(plan.overflows().get(1))
        .isEqualTo(
            "rollout needs "
                + ByteSize.format(plan.rolloutBytes())
                + " of 80.00 GiB: KV cache of 200 rows 214.65 GiB, at most 48 rows fit");
  }

  @Test
  void aMicroBatchHoldsAtLeastOneLongestSequence() {
    Qwen2Config tiny = ModelShapes.named("tiny");
    MemoryPlan plan =
        MemoryPlan.of(
            tiny,
            new TrainingSetup(Precision.FP32, false, 1, 100),
            new SequenceLengths(512, 160),
            64,
            GPU_80G);
    assertThat(plan.activationTokens()).isEqualTo(672);
    assertThat(plan.policy().activations())
        .isEqualTo(ModelArithmetic.activationBytes(tiny, 672, 4, false));
    // fp32 unsharded: 4 + 4 bytes of weights and gradients, 8 of Adam moments per parameter.
    assertThat(plan.policy().states()).isEqualTo(870_016L * 16);
  }

  @Test
  void optimizerShardsRoundUp() {
    assertThat(ModelMemory.of(10, Precision.MIXED, 3, 0).optimizer()).isEqualTo(40);
    assertThat(ModelMemory.of(11, Precision.MIXED, 3, 0).optimizer()).isEqualTo(44);
  }
}
