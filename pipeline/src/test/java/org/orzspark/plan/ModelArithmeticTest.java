package org.orzspark.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.orzspark.model.Qwen2Config;

/**
 * Hand-computed figures. The tiny model: V 1,024, h 128, i 512, L 3, 4 query / 2 KV heads of width
 * 32 (kv = 64), tied. A layer: q 128·128 + 128, k and v 128·64 + 64 each, o 128·128 (49,408),
 * SwiGLU 3·128·512 (196,608), two norms 256: 246,272; ×3 = 738,816, + embedding 131,072 + final
 * norm 128 = 870,016.
 */
class ModelArithmeticTest {

  private static final Qwen2Config TINY = ModelShapes.named("tiny");
  private static final Qwen2Config QWEN_05B = ModelShapes.named("qwen2.5-0.5b");
  private static final Qwen2Config QWEN_7B = ModelShapes.named("qwen2.5-7b");

  @Test
  void parameterCountsReproduceThePublishedQwenTotals() {
    assertThat(ModelArithmetic.policyParameters(TINY)).isEqualTo(870_016L);
    // Published: 0.49B, 1.54B, 7.61B, 32.5B ("32.8B" counting what the model card rounds away).
    assertThat(ModelArithmetic.policyParameters(QWEN_05B)).isEqualTo(494_032_768L);
    assertThat(ModelArithmetic.policyParameters(ModelShapes.named("qwen2.5-1.5b")))
        .isEqualTo(1_543_714_304L);
    assertThat(ModelArithmetic.policyParameters(QWEN_7B)).isEqualTo(7_615_616_512L);
    assertThat(ModelArithmetic.policyParameters(ModelShapes.named("qwen2.5-32b")))
        .isEqualTo(32_763_876_352L);
  }

  @Test
  void theCriticDropsAnUntiedLmHeadAndAddsTheValueHead() {
    // Tied: the embedding stays (it is the input), + the [1, h] value head.
    assertThat(ModelArithmetic.criticParameters(TINY)).isEqualTo(870_016L + 128);
    assertThat(ModelArithmetic.criticParameters(QWEN_05B)).isEqualTo(494_032_768L + 896);
    // Untied 7B: − 152,064·3,584 = 544,997,376 for the LM head, + 3,584.
    assertThat(ModelArithmetic.criticParameters(QWEN_7B)).isEqualTo(7_070_622_720L);
  }

  @Test
  void theEmbeddingLookupMultipliesNothingButTheLmHeadDoes() {
    // Tied: the embedding matrix is also the LM head, so every parameter multiplies.
    assertThat(ModelArithmetic.policyMatmulParameters(TINY)).isEqualTo(870_016L);
    assertThat(ModelArithmetic.criticMatmulParameters(TINY)).isEqualTo(870_144L - 131_072);
    assertThat(ModelArithmetic.policyMatmulParameters(QWEN_7B))
        .isEqualTo(7_615_616_512L - 544_997_376);
    assertThat(ModelArithmetic.criticMatmulParameters(QWEN_7B)).isEqualTo(6_525_625_344L);
    assertThat(ModelArithmetic.criticMatmulParameters(QWEN_05B))
        .isEqualTo(494_033_664L - 136_134_656);
  }

  @Test
  void kvCachePerTokenIsKeysAndValuesOfEveryLayer() {
    assertThat(ModelArithmetic.kvCacheBytesPerToken(TINY, 4)).isEqualTo(2 * 3 * 64 * 4);
    assertThat(ModelArithmetic.kvCacheBytesPerToken(QWEN_05B, 2)).isEqualTo(2 * 24 * 128 * 2);
    // 7B: 4 KV heads of 128 in 28 layers: 56 KiB per token in bf16.
    assertThat(ModelArithmetic.kvCacheBytesPerToken(QWEN_7B, 2)).isEqualTo(57_344L);
  }

  @Test
  void activationsArePerLayerWithoutCheckpointingAndLayerInputsPlusOneLayerWithIt() {
    // Tiny: 7·128 + 3·64 + 4·512 = 3,136 values per token and layer.
    assertThat(ModelArithmetic.layerActivationValuesPerToken(TINY)).isEqualTo(3_136L);
    assertThat(ModelArithmetic.activationBytes(TINY, 4096, 4, false))
        .isEqualTo(4096L * 3 * 3_136 * 4);
    assertThat(ModelArithmetic.activationBytes(TINY, 4096, 4, true))
        .isEqualTo(4096L * (3 * 128 + 3_136) * 4);
    assertThat(ModelArithmetic.layerActivationValuesPerToken(QWEN_05B)).isEqualTo(26_112L);
    // 7B: 7·3,584 + 3·512 + 4·18,944 = 102,400; checkpointed 28·3,584 + 102,400 = 202,752 per
    // token.
    assertThat(ModelArithmetic.activationBytes(QWEN_7B, 16_384, 2, false))
        .isEqualTo(16_384L * 28 * 102_400 * 2);
    assertThat(ModelArithmetic.activationBytes(QWEN_7B, 16_384, 2, true)).isEqualTo(6_643_777_536L);
  }

  @Test
  void aForwardIsTwoFlopsPerParameterPlusAttentionOverEveryAttendedPosition() {
    long n = 870_016;
    // 4·L·h = 1,536 per attended position; two new tokens after none attend to 1 + 2 positions.
    assertThat(ModelArithmetic.forwardFlops(TINY, n, 2, 0)).isEqualTo(2.0 * n * 2 + 1_536 * 3);
    // One token after 5 cached ones attends to 6.
    assertThat(ModelArithmetic.forwardFlops(TINY, n, 1, 5)).isEqualTo(2.0 * n + 1_536 * 6);
    // Splitting a sequence into a prefill and a continuation costs the same as one pass.
    assertThat(
            ModelArithmetic.forwardFlops(QWEN_7B, 7, 4000, 2048)
                + ModelArithmetic.forwardFlops(QWEN_7B, 7, 2048, 0))
        .isEqualTo(ModelArithmetic.forwardFlops(QWEN_7B, 7, 6048, 0));
  }

  @Test
  void qwenShapesAreNamedCaseInsensitivelyAndUnknownNamesListTheKnownOnes() {
    assertThat(ModelShapes.named("Qwen2.5-7B")).isEqualTo(QWEN_7B);
    assertThat(QWEN_7B.headDim()).isEqualTo(128);
    assertThat(ModelShapes.named("tiny")).isEqualTo(Qwen2Config.named("tiny"));
    assertThatThrownBy(() -> ModelShapes.named("llama-7b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown model 'llama-7b'; valid names: tiny, small, qwen2.5-0.5b, qwen2.5-1.5b,"
                + " qwen2.5-7b, qwen2.5-32b");
  }
}
