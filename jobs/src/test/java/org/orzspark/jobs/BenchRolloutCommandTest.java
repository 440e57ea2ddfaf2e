package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.model.Qwen2Config;

class BenchRolloutCommandTest {
  @Test
  void aTinyRunGeneratesEveryTokenAndReportsFigures() throws Exception {
    BenchRolloutCommand.Result result = BenchRolloutCommand.run("tiny", 8, 5, 6, 4, 128, 0, 3);
    assertThat(result.stats().samples()).isEqualTo(8);
    assertThat(result.stats().generatedTokens()).isEqualTo(40);
    assertThat(result.stats().decodeSteps()).isEqualTo(4);
    assertThat(result.stats().prefillTokens()).isEqualTo(12);
    assertThat(result.matmulGflops()).isPositive();
    assertThat(result.mfu()).isBetween(0.0, 1.0);
    assertThat(result.cpuMatmulGflops()).isPositive();
    assertThat(result.cpuMfu()).isPositive();
    assertThat(result.tokensPerSecond()).isPositive();
    assertThat(result.peakRssBytes()).isGreaterThan(10L << 20);
  }

  @Test
  void modelFlopsCountMatmulsAndAttention() {
    // H = 8, 1 layer, 2 heads of 4 over 1 KV head (kv width 4), SwiGLU 16, vocab 10
    Qwen2Config c =
        new Qwen2Config(10, 8, 16, 1, 2, 1, 64, 1e4, 1e-6, true, null, List.of(), "float32");
    // matmul MACs per token: q 64 + o 64 + k 32 + v 32 + mlp 384 + head 80 = 656 → 1312 FLOPs;
    // attention 4·8 = 32 FLOPs per attended position
    // prefill of 1 prompt of 2 tokens: 2·1312 + 32·(1 + 2) = 2720
    // 3 samples × 2 new tokens: one decode step each over 3 positions: 1312 + 96 = 1408
    assertThat(BenchRolloutCommand.generationFlops(c, 1, 3, 2, 2))
        .isCloseTo(2720 + 3 * 1408, within(1e-6));
  }

  @Test
  void benchRolloutIsASubcommandOfBench() {
    assertThat(Orz.commandLine().getSubcommands().get("bench").getSubcommands())
        .containsKey("rollout");
  }
}
