package org.orzspark.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.orzspark.model.Qwen2Config;

class ComputePlanTest {

  /**
   * Tiny model, 2 prompts × 3 samples, prompts of 4 tokens and responses of 5. N = 870,016 (policy)
   * and 739,072 (critic, without the embedding lookup); 4·L·h = 1,536 per attended position.
   */
  @Test
  void eachPhaseOfATinyIterationByHand() {
    ComputePlan plan =
        ComputePlan.of(ModelShapes.named("tiny"), 2, 3, new SequenceLengths(4, 5), false);
    // Prefill, per prompt: 2·N·4 + 1,536·(1+2+3+4).
    assertThat(plan.prefill()).isEqualTo(2 * (6_960_128 + 15_360));
    // Generation, per response: 2·N·5 + 1,536·(5+6+7+8+9).
    assertThat(plan.generation()).isEqualTo(6 * (8_700_160 + 53_760));
    // A 9-token sequence: policy 2·870,016·9 + 1,536·45, critic 2·739,072·9 + 1,536·45.
    double both = (15_660_288 + 69_120) + (13_303_296 + 69_120);
    assertThat(plan.experience()).isEqualTo(6 * both);
    assertThat(plan.training()).isEqualTo(6 * 3 * both);
    assertThat(plan.total()).isEqualTo(764_918_272.0);
    assertThat(ComputePlan.gpuHours(plan.total(), 1e9))
        .isCloseTo(764_918_272.0 / 1e9 / 3600, within(1e-18));
  }

  @Test
  void activationCheckpointingAddsOneForwardToTraining() {
    Qwen2Config tiny = ModelShapes.named("tiny");
    SequenceLengths mean = new SequenceLengths(4, 5);
    ComputePlan plain = ComputePlan.of(tiny, 2, 3, mean, false);
    ComputePlan checkpointed = ComputePlan.of(tiny, 2, 3, mean, true);
    assertThat(checkpointed.training()).isEqualTo(plain.training() / 3 * 4);
    assertThat(checkpointed.generation()).isEqualTo(plain.generation());
  }

  @Test
  void qwen7bGenerationAndTrainingAreTwoAndEightFlopsPerParameterPlusAttention() {
    ComputePlan plan =
        ComputePlan.of(
            ModelShapes.named("qwen2.5-7b"), 128, 64, new SequenceLengths(2048, 4000), true);
    double attentionPerPosition = 4.0 * 28 * 3584;
    // Each of 8,192 responses: 4,000 tokens attending to 2,048 + 1 … 2,048 + 4,000 positions.
    assertThat(plan.generation())
        .isEqualTo(
            8192
                * (2.0 * 7_070_619_136L * 4000
                    + attentionPerPosition * (2048.0 * 4000 + 4000.0 * 4001 / 2)));
    // 8,192 sequences of 6,048 tokens; policy and critic each 4 forwards' worth (8·N) in training.
    double sequenceAttention = attentionPerPosition * 6048.0 * 6049 / 2;
    assertThat(plan.training())
        .isEqualTo(
            8192 * 4 * (2.0 * (7_070_619_136L + 6_525_625_344L) * 6048 + 2 * sequenceAttention));
    // The experience forwards are a quarter of training's four forwards.
    assertThat(plan.experience()).isEqualTo(plan.training() / 4);
    // 7.858e18 FLOPs: 5.46 GPU-hours at 400 TFLOP/s, 93% of it experience and training.
    assertThat(plan.total()).isCloseTo(7.858_242_827e18, within(1e9));
    assertThat(ComputePlan.gpuHours(plan.total(), 400e12)).isCloseTo(5.457, within(1e-3));
  }
}
