package org.orzspark.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.TestModels;
import org.orzspark.model.TokenBatch;

class GeneratorTest {
  private static final int VOCAB = 64;
  private static NDManager manager;
  private static PolicyModel policy;

  /** Token 5 reads "</answer>", 6 reads "User:", 7 reads "Us", 8 reads "er:", others a letter. */
  private static final Function<int[], String> DECODER =
      ids ->
          Arrays.stream(ids)
              .mapToObj(
                  id ->
                      switch (id) {
                        case 5 -> "</answer>";
                        case 6 -> "User:";
                        case 7 -> "Us";
                        case 8 -> "er:";
                        default -> String.valueOf((char) ('a' + id % 26));
                      })
              .collect(Collectors.joining());

  @BeforeAll
  static void start() throws Exception {
    manager = NDManager.newBaseManager();
    policy =
        PolicyModel.fromCheckpoint(TestModels.checkpoint(TestModels.tied(), 21, false), manager);
  }

  @AfterAll
  static void stop() {
    policy.close();
    manager.close();
  }

  private static List<PromptRequest> requests() {
    return List.of(
        new PromptRequest("alpha", TestModels.randomTokens(3, VOCAB, 1), 0, 3),
        new PromptRequest("beta", TestModels.randomTokens(7, VOCAB, 2), 0, 2),
        new PromptRequest("gamma", TestModels.randomTokens(5, VOCAB, 3), 4, 2));
  }

  private static SamplingParams plain(int maxNewTokens) {
    return new SamplingParams(1.0, 1.0, 0, maxNewTokens, List.of(1), List.of(), List.of());
  }

  @Test
  void aSampleDoesNotDependOnItsBatch() {
    SamplingParams params = plain(12);
    List<GeneratedSample> together =
        new Generator(policy, null, 42, 16).generate(requests(), params);
    List<GeneratedSample> oneRowBatches =
        new Generator(policy, null, 42, 1).generate(requests(), params);
    List<GeneratedSample> reordered =
        new Generator(policy, null, 42, 3)
            .generate(
                List.of(
                    new PromptRequest("gamma", TestModels.randomTokens(5, VOCAB, 3), 5, 1),
                    new PromptRequest("alpha", TestModels.randomTokens(3, VOCAB, 1), 1, 2)),
                params);
    assertThat(together).hasSize(7);
    assertThat(keys(together))
        .containsExactly("alpha/0", "alpha/1", "alpha/2", "beta/0", "beta/1", "gamma/4", "gamma/5");
    for (int i = 0; i < together.size(); i++) {
      assertThat(oneRowBatches.get(i).tokens()).isEqualTo(together.get(i).tokens());
    }
    assertThat(reordered.get(0).tokens()).isEqualTo(together.get(6).tokens());
    assertThat(reordered.get(1).tokens()).isEqualTo(together.get(1).tokens());
    assertThat(reordered.get(2).tokens()).isEqualTo(together.get(2).tokens());
    // different samples of one prompt differ; another seed gives other samples
    assertThat(together.get(0).tokens()).isNotEqualTo(together.get(1).tokens());
    assertThat(new Generator(policy, null, 43, 16).generate(requests(), params).get(0).tokens())
        .isNotEqualTo(together.get(0).tokens());
  }

  @Test
  void samplingLogProbsEqualTheTrainingForwardOfPromptAndResponse() {
    List<GeneratedSample> samples =
        new Generator(policy, null, 7, 4).generate(requests(), plain(10));
    for (GeneratedSample sample : samples) {
      int[] prompt =
          requests().stream()
              .filter(r -> r.promptId().equals(sample.promptId()))
              .findFirst()
              .orElseThrow()
              .promptTokens();
      int[] sequence = new int[prompt.length + sample.tokens().length];
      System.arraycopy(prompt, 0, sequence, 0, prompt.length);
      System.arraycopy(sample.tokens(), 0, sequence, prompt.length, sample.tokens().length);
      try (NDManager work = manager.newSubManager()) {
        float[] expected =
            policy.tokenLogProbs(TokenBatch.padded(new int[][] {sequence}), work).toFloatArray();
        for (int t = 0; t < sample.tokens().length; t++) {
          assertThat(sample.logprobs()[t]).isCloseTo(expected[prompt.length + t], within(1e-4f));
        }
      }
      boolean endsWithEos = sample.tokens()[sample.tokens().length - 1] == 1;
      assertThat(sample.finishReason()).isEqualTo(endsWithEos ? "stop" : "length");
      if (!endsWithEos) {
        assertThat(sample.tokens()).hasSize(10);
      }
      assertThat(Arrays.copyOf(sample.tokens(), sample.tokens().length - 1)).doesNotContain(1);
    }
  }

  @Test
  void stopStringsEndResponsesAndKeptOnesStayInTheText() {
    SamplingParams params =
        SamplingParams.orz(24, List.of())
            .withStopStrings(List.of("</answer>", "User:"), List.of("</answer>"));
    List<PromptRequest> many =
        List.of(new PromptRequest("s", TestModels.randomTokens(4, VOCAB, 8), 0, 40));
    List<GeneratedSample> samples = new Generator(policy, DECODER, 3, 64).generate(many, params);
    int kept = 0;
    int cut = 0;
    for (GeneratedSample sample : samples) {
      String full = DECODER.apply(sample.tokens());
      if (sample.finishReason().equals("stop")) {
        int last = sample.tokens()[sample.tokens().length - 1];
        assertThat(last).isIn(5, 6, 8);
        if (sample.text().endsWith("</answer>")) {
          kept++;
        } else {
          assertThat(full.substring(sample.text().length())).startsWith("User:");
          cut++;
        }
        assertThat(sample.text()).doesNotContain("User:");
      } else {
        assertThat(sample.tokens()).hasSize(24);
        assertThat(full).doesNotContain("</answer>").doesNotContain("User:");
        assertThat(sample.text()).isEqualTo(full);
      }
    }
    assertThat(kept).isPositive();
    assertThat(cut).isPositive();
  }

  @Test
  void twoThreadsGenerateWhatSerialRunsGenerate() throws Exception {
    SamplingParams params = plain(16);
    Generator generator = new Generator(policy, null, 11, 4);
    List<GeneratedSample> serial = generator.generate(requests(), params);
    List<PromptRequest> reversed = new ArrayList<>(requests());
    Collections.reverse(reversed);
    List<GeneratedSample> serialReversed = generator.generate(reversed, params);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<GeneratedSample>> first =
          pool.submit(() -> generator.generate(requests(), params));
      Future<List<GeneratedSample>> second =
          pool.submit(() -> generator.generate(reversed, params));
      assertSameTokens(first.get(), serial);
      assertSameTokens(second.get(), serialReversed);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void generationLeavesNoArraysBehindAndRestoresTheGradMode() {
    int before = manager.getManagedArrays().size();
    JniUtils.setGradMode(true);
    try {
      List<GeneratedSample> samples =
          new Generator(policy, null, 5, 2)
              .generate(requests(), plain(40).withStopStrings(List.of(), List.of()));
      assertThat(samples).hasSize(7);
      assertThat(JniUtils.isGradMode()).isTrue();
    } finally {
      JniUtils.setGradMode(false);
    }
    assertThat(manager.getManagedArrays()).hasSize(before);
  }

  /** 40 samples of two prompts; EOS (token 1) is likely enough that response lengths vary. */
  private static List<PromptRequest> longTail() {
    return List.of(
        new PromptRequest("long-a", TestModels.randomTokens(6, VOCAB, 4), 0, 24),
        new PromptRequest("long-b", TestModels.randomTokens(9, VOCAB, 5), 0, 16));
  }

  @Test
  void theSameRequestListReproducesEveryRowExactly() {
    Generator generator = new Generator(policy, null, 17, 5);
    GenerationResult first = generator.generateWithStats(longTail(), plain(30), s -> {});
    GenerationResult second = generator.generateWithStats(longTail(), plain(30), s -> {});
    assertSameTokens(second.samples(), first.samples());
    assertThat(second.stats()).isEqualTo(withoutTimes(first.stats(), second.stats()));
  }

  @Test
  void continuousBatchingDrawsTheSamplesOfStaticBatches() {
    SamplingParams params = plain(30);
    List<GeneratedSample> continuous =
        new Generator(policy, null, 23, 6, 0, Generator.Admission.CONTINUOUS)
            .generate(longTail(), params);
    List<GeneratedSample> statics =
        new Generator(policy, null, 23, 6, 0, Generator.Admission.STATIC)
            .generate(longTail(), params);
    assertSameTokensAndCloseLogProbs(continuous, statics);
  }

  @Test
  void continuousBatchingKeepsTheSlotsFullThroughALongTail() {
    GenerationStats continuous =
        new Generator(policy, null, 29, 4, 0, Generator.Admission.CONTINUOUS)
            .generateWithStats(longTail(), plain(40), s -> {})
            .stats();
    GenerationStats statics =
        new Generator(policy, null, 29, 4, 0, Generator.Admission.STATIC)
            .generateWithStats(longTail(), plain(40), s -> {})
            .stats();
    assertThat(continuous.generatedTokens()).isEqualTo(statics.generatedTokens());
    assertThat(continuous.usefulRowSteps() + continuous.samples())
        .isEqualTo(continuous.generatedTokens());
    assertThat(continuous.slotUtilisation()).isGreaterThan(0.85);
    assertThat(statics.slotUtilisation()).isLessThan(continuous.slotUtilisation());
    assertThat(continuous.decodeSteps()).isLessThan(statics.decodeSteps());
    // one token id and one log-probability per row and step reach the host
    assertThat(continuous.hostBytesPerDecodeStep()).isEqualTo(8 * continuous.meanRows());
    // each prompt is run through the model once
    assertThat(continuous.prefillTokens()).isEqualTo(15);
  }

  @Test
  void aKvBudgetBoundsTheRowsInFlightNotTheSamples() {
    SamplingParams params = plain(30);
    GenerationResult unbounded =
        new Generator(policy, null, 31, 8).generateWithStats(longTail(), params, s -> {});
    long perToken = unbounded.stats().kvBytesPerToken();
    // room for one prompt (1 block) and two responses (2 blocks each) of 16-token blocks
    long budget = 5 * 16 * perToken;
    GenerationResult bounded =
        new Generator(policy, null, 31, 8, budget, Generator.Admission.CONTINUOUS)
            .generateWithStats(longTail(), params, s -> {});
    // other rows beside each: same tokens, log-probabilities equal up to float rounding
    assertSameTokensAndCloseLogProbs(bounded.samples(), unbounded.samples());
    assertThat(bounded.stats().peakKvBytes()).isLessThanOrEqualTo(budget);
    assertThat(bounded.stats().meanRows()).isLessThanOrEqualTo(2);
    assertThat(unbounded.stats().meanRows()).isGreaterThan(2);
    assertThat(unbounded.stats().peakKvBytes()).isGreaterThan(budget);
  }

  @Test
  void aResponseLimitCapsEachSampleAndKeepsItsTokens() {
    SamplingParams params = plain(12).withStopStrings(List.of(), List.of());
    List<GeneratedSample> full = new Generator(policy, null, 37, 3).generate(requests(), params);
    List<GeneratedSample> capped =
        new Generator(policy, null, 37, 3)
            .withResponseLimit((promptId, sample) -> 1 + sample % 4)
            .generate(requests(), params);
    for (int i = 0; i < full.size(); i++) {
      GeneratedSample sample = capped.get(i);
      int limit = 1 + sample.sampleIndex() % 4;
      assertThat(sample.tokens().length).isLessThanOrEqualTo(limit);
      assertThat(sample.tokens())
          .isEqualTo(Arrays.copyOf(full.get(i).tokens(), sample.tokens().length));
      boolean eos = sample.tokens()[sample.tokens().length - 1] == 1;
      assertThat(sample.finishReason()).isEqualTo(eos ? "stop" : "length");
      if (!eos) {
        assertThat(sample.tokens()).hasSize(limit);
      }
    }
  }

  @Test
  void aSequenceLargerThanTheKvBudgetIsRefusedUpFront() {
    long perToken =
        new Generator(policy, null, 1)
            .generateWithStats(requests(), plain(2), s -> {})
            .stats()
            .kvBytesPerToken();
    Generator small =
        new Generator(policy, null, 1, 4, 2 * 16 * perToken, Generator.Admission.CONTINUOUS);
    assertThatThrownBy(() -> small.generate(requests(), plain(40)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prompt 'alpha'")
        .hasMessageContaining("need 4 KV blocks")
        .hasMessageContaining("budget of 2 blocks")
        .hasMessageContaining("rollout.kv_cache_bytes");
  }

  @Test
  void promptsBeyondTheModelAreRejected() {
    Generator generator = new Generator(policy, null, 1);
    assertThatThrownBy(
            () ->
                generator.generate(
                    List.of(new PromptRequest("long", new int[250], 0, 1)), plain(10)))
        .hasMessageContaining("long")
        .hasMessageContaining("max_position_embeddings 256");
    assertThatThrownBy(
            () ->
                generator.generate(
                    List.of(new PromptRequest("bad", new int[] {3, 64}, 0, 1)), plain(4)))
        .hasMessageContaining("token 64");
    assertThatThrownBy(() -> generator.generate(requests(), SamplingParams.orz(4, List.of(1))))
        .hasMessageContaining("need a decoder");
  }

  private static void assertSameTokensAndCloseLogProbs(
      List<GeneratedSample> actual, List<GeneratedSample> expected) {
    assertThat(keys(actual)).isEqualTo(keys(expected));
    for (int i = 0; i < actual.size(); i++) {
      assertThat(actual.get(i).tokens()).isEqualTo(expected.get(i).tokens());
      assertThat(actual.get(i).logprobs())
          .containsExactly(expected.get(i).logprobs(), within(1e-5f));
    }
  }

  /** {@code stats} with the times of {@code other} (times differ between runs). */
  private static GenerationStats withoutTimes(GenerationStats stats, GenerationStats other) {
    return new GenerationStats(
        stats.samples(),
        stats.slots(),
        stats.prefillTokens(),
        stats.generatedTokens(),
        stats.decodeSteps(),
        stats.usefulRowSteps(),
        other.prefillNanos(),
        other.decodeNanos(),
        stats.decodeBytesToHost(),
        stats.bytesToHost(),
        stats.bytesFromHost(),
        stats.kvBytesPerToken(),
        stats.peakKvBytes());
  }

  private static List<String> keys(List<GeneratedSample> samples) {
    return samples.stream().map(s -> s.promptId() + "/" + s.sampleIndex()).toList();
  }

  private static void assertSameTokens(
      List<GeneratedSample> actual, List<GeneratedSample> expected) {
    assertThat(keys(actual)).isEqualTo(keys(expected));
    for (int i = 0; i < actual.size(); i++) {
      assertThat(actual.get(i).tokens()).isEqualTo(expected.get(i).tokens());
      assertThat(actual.get(i).logprobs()).containsExactly(expected.get(i).logprobs());
    }
  }
}
