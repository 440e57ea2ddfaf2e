package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.model.Qwen2Config;

class BenchRolloutCommandTest {
  /** tiny, 8 slots, 5 new tokens, prompts of 6 tokens with 4 samples each, 1 thread, seed 3. */
  private static BenchRolloutCommand tinyBench() {
    BenchRolloutCommand bench = new BenchRolloutCommand();
    bench.config = "tiny";
    bench.batch = 8;
    bench.newTokens = 5;
    bench.promptTokens = 6;
    bench.samplesPerPrompt = 4;
    bench.vocab = 128;
    bench.threads = 1;
    bench.seed = 3;
    return bench;
  }

  @Test
  void aTinyRunGeneratesEveryTokenAndReportsFigures() throws Exception {
    BenchRolloutCommand.Result result = tinyBench().run();
    assertThat(result.threads()).isEqualTo(1);
    assertThat(result.stats().samples()).isEqualTo(8);
    assertThat(result.stats().generatedTokens()).isEqualTo(40);
    assertThat(result.stats().decodeSteps()).isEqualTo(4);
    assertThat(result.stats().prefillTokens()).isEqualTo(12);
    assertThat(result.stats().slotUtilisation()).isEqualTo(1.0);
    // per row and step: one token id and one log-probability
    assertThat(result.stats().hostBytesPerDecodeStep()).isEqualTo(8 * 8);
    assertThat(result.stats().kvBytesPerToken()).isPositive();
    assertThat(result.matmulGflops()).isPositive();
    assertThat(result.mfu()).isBetween(0.0, 1.0);
    assertThat(result.cpuMatmulGflops()).isPositive();
    assertThat(result.cpuMfu()).isPositive();
    assertThat(result.tokensPerSecond()).isPositive();
    assertThat(result.peakRssBytes()).isGreaterThan(10L << 20);
  }

  @Test
  void aLongTailKeepsContinuousSlotsFullerThanStaticBatches() throws Exception {
    BenchRolloutCommand bench = tinyBench();
    bench.lengths = BenchRolloutCommand.Lengths.LONG_TAIL;
    bench.newTokens = 32;
    bench.sequencesPerSlot = 8;
    BenchRolloutCommand.Result continuous = bench.run();
    bench.batching = "static";
    BenchRolloutCommand.Result statics = bench.run();
    assertThat(continuous.stats().samples()).isEqualTo(64);
    assertThat(continuous.stats().generatedTokens())
        .isEqualTo(statics.stats().generatedTokens())
        .isLessThan(64 * 32);
    assertThat(continuous.stats().slotUtilisation())
        .isGreaterThan(statics.stats().slotUtilisation() + 0.2);
  }

  @Test
  void longTailLengthsAreMostlyShortAndSomeAtTheLimit() {
    int atLimit = 0;
    for (int s = 0; s < 1000; s++) {
      int length = BenchRolloutCommand.longTailLength(7, "p", s, 800);
      assertThat(length).isEqualTo(BenchRolloutCommand.longTailLength(7, "p", s, 800));
      if (length == 800) {
        atLimit++;
      } else {
        assertThat(length).isBetween(1, 100);
      }
    }
    assertThat(atLimit).isBetween(70, 130);
  }

  @Test
  void gpuOptionsSayWhatTheyNeed() {
    assertThatThrownBy(() -> BenchRolloutCommand.checkDtype("bf16", Device.cpu()))
        .hasMessageContaining("needs a GPU");
    assertThatThrownBy(() -> BenchRolloutCommand.checkDtype("fp8", Device.cpu()))
        .hasMessageContaining("auto, fp32, bf16 or fp16");
    if (Engine.getInstance().getGpuCount() == 0) {
      assertThatThrownBy(() -> BenchRolloutCommand.device("gpu"))
          .hasMessageContaining("needs a GPU");
    }
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
    assertThat(BenchRolloutCommand.generationFlops(c, 1, 2, new int[] {2, 2, 2}))
        .isCloseTo(2720 + 3 * 1408, within(1e-6));
  }

  @Test
  void benchRolloutIsASubcommandOfBench() {
    assertThat(Orz.commandLine().getSubcommands().get("bench").getSubcommands())
        .containsKey("rollout");
  }
}
