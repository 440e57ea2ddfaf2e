package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.orzspark.generation.GeneratedSample;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SamplingParams;

/**
 * Measures how far a tiny random Qwen2 model computing in a lower dtype lands from the same model
 * in float32 on one device, and how far its sampling log-probabilities land from its own training
 * forward: the figures the precision tests bound (CPU for fp16 in {@code ComputePrecisionTest}, GPU
 * for bf16/fp16 in {@code ComputePrecisionGpuTest}).
 */
final class PrecisionChecks {
  private PrecisionChecks() {}

  /**
   * The gaps, all maxima over every token of the batches.
   *
   * @param logProbs |log p(dtype) − log p(fp32)| of the policy's training forward, in nats
   * @param values |V(dtype) − V(fp32)| / max |V(fp32)| of the critic
   * @param sampling |sampling log p − training-forward log p|, both in the dtype, in nats
   */
  record Gaps(double logProbs, double values, double sampling) {}

  /**
   * The bounds of the gaps: about 5× the fp16 gaps measured on the CPU (log-probs 0.0095 nats,
   * values 0.48%, sampling 2.4e-7 nats, and the GPU's shape-dependent kernels may make the last
   * larger), scaled by 8 for bf16, whose unit roundoff (2^-8) is 8× fp16's (2^-11).
   */
  static void assertWithinBounds(Gaps gaps, DataType dtype) {
    double scale = dtype == DataType.BFLOAT16 ? 8 : 1;
    assertThat(gaps.logProbs()).as("log-prob gap to fp32 (nats)").isLessThan(0.05 * scale);
    assertThat(gaps.values()).as("relative value gap to fp32").isLessThan(0.025 * scale);
    assertThat(gaps.sampling())
        .as("sampling vs training-forward log-prob gap (nats)")
        .isLessThan(0.01 * scale);
    // the forward really ran in the lower dtype
    assertThat(gaps.logProbs()).isGreaterThan(0);
  }

  /** The gaps of computing in {@code dtype} on {@code device}. */
  static Gaps measure(Device device, DataType dtype) throws CheckpointException {
    Qwen2Config config = TestModels.untied();
    ModelCheckpoint policyWeights = TestModels.checkpoint(config, 5, false);
    ModelCheckpoint criticWeights = TestModels.checkpoint(config, 6, true);
    double logProbs = 0;
    double values = 0;
    double sampling;
    try (NDManager manager = NDManager.newBaseManager(device);
        GradMode off = GradMode.disabled();
        PolicyModel reference = PolicyModel.fromCheckpoint(policyWeights, manager);
        PolicyModel policy = PolicyModel.fromCheckpoint(policyWeights, manager, dtype);
        CriticModel referenceCritic =
            CriticModel.fromCheckpoint(criticWeights, manager, ValueHeadInit.NORMAL, 0);
        CriticModel critic =
            CriticModel.fromCheckpoint(criticWeights, manager, ValueHeadInit.NORMAL, 0, dtype)) {
      NDArray anyWeight = policy.parameters().valueAt(0).getArray();
      assertThat(anyWeight.getDevice()).isEqualTo(device);
      assertThat(anyWeight.getDataType()).isEqualTo(dtype);
      // padded rows, packed rows and a shared prefix, as the training forwards see them
      for (TokenBatch batch : ActivationMemoryTest.batches(config.vocabSize())) {
        try (NDManager work = manager.newSubManager()) {
          NDArray lowLogProbs = policy.tokenLogProbs(batch, work);
          assertThat(lowLogProbs.getDataType()).isEqualTo(DataType.FLOAT32);
          logProbs =
              Math.max(
                  logProbs,
                  maxGap(
                      lowLogProbs.toFloatArray(),
                      reference.tokenLogProbs(batch, work).toFloatArray()));
          float[] expected = referenceCritic.values(batch, work).toFloatArray();
          values =
              Math.max(
                  values,
                  maxGap(critic.values(batch, work).toFloatArray(), expected)
                      / ActivationMemoryTest.max(expected));
        }
      }
      sampling = samplingGap(policy, manager);
    }
    return new Gaps(logProbs, values, sampling);
  }

  /**
   * The largest |sampling log p − training-forward log p| of ten-token samples of three prompts
   * (the {@code GeneratorTest} property), both forwards in the policy's precision.
   */
  static double samplingGap(PolicyModel policy, NDManager manager) {
    int vocab = policy.config().vocabSize();
    List<PromptRequest> requests =
        List.of(
            new PromptRequest("alpha", TestModels.randomTokens(3, vocab, 1), 0, 3),
            new PromptRequest("beta", TestModels.randomTokens(7, vocab, 2), 0, 2));
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, 10, List.of(1), List.of(), List.of());
    double gap = 0;
    for (GeneratedSample sample : new Generator(policy, null, 7, 4).generate(requests, params)) {
      int[] prompt =
          requests.stream()
              .filter(r -> r.promptId().equals(sample.promptId()))
              .findFirst()
              .orElseThrow()
              .promptTokens();
      int[] sequence = ActivationMemoryTest.concat(prompt, sample.tokens());
      try (NDManager work = manager.newSubManager()) {
        float[] forward =
            policy.tokenLogProbs(TokenBatch.padded(new int[][] {sequence}), work).toFloatArray();
        for (int t = 0; t < sample.tokens().length; t++) {
          gap = Math.max(gap, Math.abs(sample.logprobs()[t] - forward[prompt.length + t]));
        }
      }
    }
    return gap;
  }

  static double maxGap(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    double gap = 0;
    for (int i = 0; i < actual.length; i++) {
      gap = Math.max(gap, Math.abs(actual[i] - expected[i]));
    }
    return gap;
  }
}
