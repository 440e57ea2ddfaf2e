package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

class Qwen2DecoderTest extends FreshManagerTest {
  @Test
  void engineLogitsEqualTheScalarReference() throws Exception {
    for (Qwen2Config config : new Qwen2Config[] {TestModels.untied(), TestModels.tied()}) {
      ModelCheckpoint checkpoint = TestModels.checkpoint(config, 7, false);
      ReferenceQwen2 reference = new ReferenceQwen2(checkpoint);
      int[] tokens = TestModels.randomTokens(9, config.vocabSize(), 3);
      try (PolicyModel policy = PolicyModel.fromCheckpoint(checkpoint, manager);
          NDManager work = manager.newSubManager()) {
        NDList inputs = Qwen2Decoder.inputs(TokenBatch.padded(new int[][] {tokens}), work);
        float[] logits =
            policy
                .logits(policy.decoder().forward(inputs.get(0), inputs.get(1), inputs.get(2)))
                .toFloatArray();
        double[][] expected = reference.logits(tokens);
        for (int t = 0; t < tokens.length; t++) {
          for (int v = 0; v < config.vocabSize(); v++) {
            assertThat((double) logits[t * config.vocabSize() + v])
                .as("logit t=%d v=%d", t, v)
                .isCloseTo(expected[t][v], within(2e-4));
          }
        }
      }
    }
  }

  @Test
  void tokenLogProbsEqualTheReferenceWithPaddingZeros() throws Exception {
    Qwen2Config config = TestModels.untied();
    ModelCheckpoint checkpoint = TestModels.checkpoint(config, 11, false);
    ReferenceQwen2 reference = new ReferenceQwen2(checkpoint);
    int[][] sequences = {TestModels.randomTokens(6, 97, 1), TestModels.randomTokens(3, 97, 2)};
    try (PolicyModel policy = PolicyModel.fromCheckpoint(checkpoint, manager);
        NDManager work = manager.newSubManager()) {
      TokenLogProbs result = policy.tokenLogProbsAndEntropy(TokenBatch.padded(sequences), work);
      assertThat(result.logProbs().getShape()).isEqualTo(new Shape(2, 6));
      float[] logProbs = result.logProbs().toFloatArray();
      float[] entropy = result.entropy().toFloatArray();
      for (int r = 0; r < 2; r++) {
        double[][] logits = reference.logits(sequences[r]);
        for (int t = 0; t < 6; t++) {
          double expected =
              t == 0 || t >= sequences[r].length
                  ? 0
                  : ReferenceQwen2.logProb(logits[t - 1], sequences[r][t]);
          assertThat((double) logProbs[r * 6 + t])
              .as("row %d t %d", r, t)
              .isCloseTo(expected, within(1e-4));
        }
        double expectedEntropy = 0;
        for (int v = 0; v < 97; v++) {
          double lp = ReferenceQwen2.logProb(logits[0], v);
          expectedEntropy -= Math.exp(lp) * lp;
        }
        assertThat((double) entropy[r * 6 + 1]).isCloseTo(expectedEntropy, within(1e-4));
        assertThat(entropy[r * 6]).isZero();
      }
      for (int t = 9; t < 12; t++) {
        assertThat(logProbs[t]).as("padding %d", t).isEqualTo(0f, within(0f));
      }
    }
  }

  @Test
  void packedRowsGiveTheSameLogProbsAndValuesAsPaddedRows() throws Exception {
    Qwen2Config config = TestModels.tied();
    ModelCheckpoint checkpoint = TestModels.checkpoint(config, 5, true);
    int[] a = TestModels.randomTokens(5, 64, 1);
    int[] b = TestModels.randomTokens(4, 64, 2);
    int[] c = TestModels.randomTokens(3, 64, 3);
    TokenBatch padded = TokenBatch.padded(new int[][] {a, b, c});
    TokenBatch packed = TokenBatch.packed(new int[][][] {{a, c}, {b}}, 9);
    try (PolicyModel policy = PolicyModel.fromCheckpoint(checkpoint, manager);
        CriticModel critic =
            CriticModel.fromCheckpoint(checkpoint, manager, ValueHeadInit.UNIFORM, 1);
        NDManager work = manager.newSubManager()) {
      float[] paddedLp = policy.tokenLogProbs(padded, work).toFloatArray();
      float[] packedLp = policy.tokenLogProbs(packed, work).toFloatArray();
      float[] paddedV = critic.values(padded, work).toFloatArray();
      float[] packedV = critic.values(packed, work).toFloatArray();
      // padded rows have length 5; packed rows length 9: row 0 = a (0..4) then c (5..7), row 1 = b
      for (int t = 0; t < 5; t++) {
        assertThat(packedLp[t]).isCloseTo(paddedLp[t], within(1e-5f));
        assertThat(packedV[t]).isCloseTo(paddedV[t], within(1e-5f));
      }
      for (int t = 0; t < 3; t++) {
        assertThat(packedLp[5 + t]).isCloseTo(paddedLp[10 + t], within(1e-5f));
        assertThat(packedV[5 + t]).isCloseTo(paddedV[10 + t], within(1e-5f));
      }
      for (int t = 0; t < 4; t++) {
        assertThat(packedLp[9 + t]).isCloseTo(paddedLp[5 + t], within(1e-5f));
      }
      assertThat(packedLp[5]).isZero();
      assertThat(packedV[8]).isZero();
      assertThat(paddedV[1]).isNotZero();
    }
  }

  /**
   * Two sequences share a 5-token prompt stored once in 2-token blocks; their responses take blocks
   * of their own, interleaved in the pool. Decoding both rows together (the second starts a step
   * later, so the rows attend over different widths) gives, at every step, each sequence's logits
   * of the unblocked full forward.
   */
  @Test
  void blockCacheDecodingGivesTheLogitsOfAFullRecompute() throws Exception {
    Qwen2Config config = TestModels.untied();
    int vocab = config.vocabSize();
    int prompt = 5;
    int[][] sequences = {TestModels.randomTokens(11, 97, 9), TestModels.randomTokens(11, 97, 9)};
    int[] tail = TestModels.randomTokens(6, 97, 10);
    System.arraycopy(tail, 0, sequences[1], prompt, tail.length);
    try (PolicyModel policy =
            PolicyModel.fromCheckpoint(TestModels.checkpoint(config, 2, false), manager);
        NDManager work = manager.newSubManager();
        KvCache cache =
            KvCache.create(
                work,
                config,
                DataType.FLOAT32,
                2,
                16 * 2 * KvCache.bytesPerToken(config, DataType.FLOAT32))) {
      float[][] expected = new float[2][];
      for (int s = 0; s < 2; s++) {
        NDList full = Qwen2Decoder.inputs(TokenBatch.padded(new int[][] {sequences[s]}), work);
        expected[s] =
            policy
                .logits(policy.decoder().forward(full.get(0), full.get(1), full.get(2)))
                .toFloatArray();
      }
      int[] promptBlocks = cache.take(KvCache.blocksFor(prompt, 2));
      int[] promptSlots = KvCache.slots(promptBlocks, prompt, 2);
      int[] segments = new int[prompt];
      Arrays.fill(segments, 1);
      float[] prefill =
          policy
              .logits(
                  policy
                      .decoder()
                      .prefill(
                          TokenBatch.of(1, prompt, Arrays.copyOf(sequences[0], prompt), segments),
                          work,
                          cache,
                          work.arange(0, prompt, 1, DataType.INT64),
                          work.create(promptSlots).toType(DataType.INT64, false)))
              .toFloatArray();
      assertClose(prefill, expected[0], 0, prompt * vocab);
      int[][] own = {new int[3], new int[3]};
      for (int t = prompt; t < 11; t++) {
        int rows = t == prompt ? 1 : 2;
        int width = t + 1;
        long[] ids = new long[rows];
        float[] positions = new float[rows];
        long[] write = new long[rows];
        long[] read = new long[rows * width];
        float[] bias = new float[rows * width];
        for (int r = 0; r < rows; r++) {
          int column = r == 0 ? t : t - 1;
          int response = column - prompt;
          if (response % 2 == 0) {
            own[r][response / 2] = cache.take(1)[0];
          }
          ids[r] = sequences[r][column];
          positions[r] = column;
          write[r] = own[r][response / 2] * 2L + response % 2;
          for (int c = 0; c < width; c++) {
            int ownColumn = c - prompt;
            read[r * width + c] =
                c < prompt
                    ? promptSlots[c]
                    : c <= column ? own[r][ownColumn / 2] * 2L + ownColumn % 2 : 0;
            bias[r * width + c] = c <= column ? 0 : Qwen2Decoder.MASKED;
          }
        }
        try (NDManager step = work.newSubManager()) {
          float[] logits =
              policy
                  .logits(
                      policy
                          .decoder()
                          .decode(
                              step.create(ids, new Shape(rows, 1)),
                              step.create(positions, new Shape(rows, 1)),
                              cache,
                              step.create(write),
                              step.create(read, new Shape(rows, width)),
                              step.create(bias, new Shape(rows, 1, 1, width))))
                  .toFloatArray();
          assertClose(Arrays.copyOf(logits, vocab), expected[0], t * vocab, vocab);
          if (rows == 2) {
            assertClose(
                Arrays.copyOfRange(logits, vocab, 2 * vocab), expected[1], (t - 1) * vocab, vocab);
          }
        }
      }
      // prompt 3 blocks, each response 3 blocks (its 6 and 5 tokens)
      assertThat(cache.blocksInUse()).isEqualTo(9);
    }
  }

  @Test
  void gradientsOfLogProbsMatchFiniteDifferencesOfTheReference() throws Exception {
    Qwen2Config config = TestModels.untied();
    ModelCheckpoint checkpoint = TestModels.checkpoint(config, 13, false);
    int[] tokens = TestModels.randomTokens(6, 97, 4);
    String probed = "model.layers.1.self_attn.k_proj.weight";
    int element = 37;
    try (PolicyModel policy = PolicyModel.fromCheckpoint(checkpoint, manager);
        NDManager work = manager.newSubManager()) {
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray sum = policy.tokenLogProbs(TokenBatch.padded(new int[][] {tokens}), work).sum();
        collector.backward(sum);
      }
      for (Pair<String, Parameter> p : policy.parameters()) {
        NDArray gradient = p.getValue().getArray().getGradient();
        assertThat(gradient.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
      }
      float analytic =
          policy.parameters().get(probed).getArray().getGradient().toFloatArray()[element];
      float[] weights = ((HostTensor) checkpoint.tensors().get(probed)).data();
      float original = weights[element];
      float plus = original + 1e-3f;
      float minus = original - 1e-3f;
      weights[element] = plus;
      double up = sumLogProbs(new ReferenceQwen2(checkpoint), tokens);
      weights[element] = minus;
      double down = sumLogProbs(new ReferenceQwen2(checkpoint), tokens);
      weights[element] = original;
      assertThat((double) analytic).isCloseTo((up - down) / (plus - minus), within(2e-3));
    }
  }

  @Test
  void djlAdamStepsOnTheParametersRaiseTheLogLikelihood() throws Exception {
    TokenBatch batch = TokenBatch.padded(new int[][] {TestModels.randomTokens(12, 64, 1)});
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
    try (PolicyModel policy = PolicyModel.random(TestModels.tied(), 2, manager);
        CriticModel critic =
            CriticModel.random(TestModels.tied(), 2, ValueHeadInit.UNIFORM, manager)) {
      float first = 0;
      float last = 0;
      for (int step = 0; step < 15; step++) {
        try (NDManager work = manager.newSubManager()) {
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logLikelihood = policy.tokenLogProbs(batch, work).sum();
            // the critic regresses its values towards 1 in the same backward pass
            NDArray valueLoss = critic.values(batch, work).sub(1).square().mean();
            collector.backward(logLikelihood.neg().add(valueLoss));
            last = logLikelihood.getFloat();
            first = step == 0 ? last : first;
          }
          for (Qwen2Model model : new Qwen2Model[] {policy, critic}) {
            for (Pair<String, Parameter> p : model.parameters()) {
              // DJL wraps the gradient in a new handle on the weight's manager at every call
              NDArray weight = p.getValue().getArray();
              try (NDArray gradient = weight.getGradient()) {
                adam.update(p.getValue().getId(), weight, gradient);
                gradient.subi(gradient);
              }
            }
          }
        }
      }
      assertThat(last).isGreaterThan(first + 5);
      // parameters and Adam's two moments per parameter; nothing per step
      int parameters = policy.parameters().size() + critic.parameters().size();
      assertThat(manager.getManagedArrays()).hasSizeLessThanOrEqualTo(3 * parameters);
    }
  }

  @Test
  void randomInitIsSeededPerTensor() {
    Qwen2Config config = Qwen2Config.named("tiny").withVocabSize(300);
    try (PolicyModel a = PolicyModel.random(config, 5, manager);
        PolicyModel b = PolicyModel.random(config, 5, manager);
        PolicyModel c = PolicyModel.random(config, 6, manager)) {
      String q = "model.layers.2.self_attn.q_proj.weight";
      float[] weights = a.parameters().get(q).getArray().toFloatArray();
      assertThat(b.parameters().get(q).getArray().toFloatArray()).containsExactly(weights);
      assertThat(c.parameters().get(q).getArray().toFloatArray()).isNotEqualTo(weights);
      double meanSquare = 0;
      for (float w : weights) {
        meanSquare += (double) w * w / weights.length;
      }
      assertThat(Math.sqrt(meanSquare)).isCloseTo(ParameterInit.INITIALIZER_RANGE, within(0.001));
      assertThat(
              a.parameters().get("model.layers.0.self_attn.k_proj.bias").getArray().toFloatArray())
          .containsOnly(0f);
      assertThat(a.parameters().get("model.norm.weight").getArray().toFloatArray())
          .containsOnly(1f);
      assertThat(a.parameters().keys()).doesNotContain("lm_head.weight");
    }
  }

  @Test
  void gradModeIsSwitchedOffPerThreadAndRestored() throws Exception {
    JniUtils.setGradMode(true);
    try (GradMode noGrad = GradMode.disabled()) {
      assertThat(JniUtils.isGradMode()).isFalse();
      try (GradMode nested = GradMode.disabled()) {
        assertThat(JniUtils.isGradMode()).isFalse();
      }
      assertThat(JniUtils.isGradMode()).isFalse();
    }
    assertThat(JniUtils.isGradMode()).isTrue();
    JniUtils.setGradMode(false);
    TokenBatch batch = TokenBatch.padded(new int[][] {{1, 2, 3}});
    try (PolicyModel policy = PolicyModel.random(TestModels.tied(), 1, manager);
        NDManager work = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      assertThat(gradientFunction(policy.tokenLogProbs(batch, work))).isEqualTo("MulBackward0");
    }
  }

  @Test
  void rmsNormAndRotaryMatchHandComputedValues() {
    try (NDManager work = manager.newSubManager()) {
      // rms of (3, 4) = sqrt(12.5); times weights (1, 2)
      float[] normed =
          Qwen2Decoder.rmsNorm(work.create(new float[] {3, 4}), work.create(new float[] {1, 2}), 0)
              .toFloatArray();
      assertThat(normed[0]).isCloseTo((float) (3 / Math.sqrt(12.5)), within(1e-6f));
      assertThat(normed[1]).isCloseTo((float) (8 / Math.sqrt(12.5)), within(1e-6f));
      // d = 4: frequencies (1, 1/sqrt(theta)); position 1, theta 100: angles (1, 0.1)
      float[] frequencies = Qwen2Decoder.inverseFrequencies(4, 100);
      assertThat(frequencies).containsExactly(1f, 0.1f);
      NDArray x = work.create(new float[] {1, 0, 0, 1}, new Shape(1, 1, 1, 4));
      float[] angles = {1, 0.1f, 1, 0.1f};
      NDArray cos =
          work.create(
              new float[] {
                (float) Math.cos(1),
                (float) Math.cos(0.1),
                (float) Math.cos(1),
                (float) Math.cos(0.1)
              },
              new Shape(1, 1, 1, 4));
      NDArray sin =
          work.create(
              new float[] {
                (float) Math.sin(1),
                (float) Math.sin(0.1),
                (float) Math.sin(1),
                (float) Math.sin(0.1)
              },
              new Shape(1, 1, 1, 4));
      // pairs (x0, x2) = (1, 0) rotated by 1 rad; (x1, x3) = (0, 1) rotated by 0.1 rad
      float[] rotated = Qwen2Decoder.applyRotary(x, cos, sin).toFloatArray();
      assertThat(rotated[0]).isCloseTo((float) Math.cos(angles[0]), within(1e-6f));
      assertThat(rotated[2]).isCloseTo((float) Math.sin(angles[0]), within(1e-6f));
      assertThat(rotated[1]).isCloseTo((float) -Math.sin(0.1), within(1e-6f));
      assertThat(rotated[3]).isCloseTo((float) Math.cos(0.1), within(1e-6f));
    }
  }

  @Test
  void segmentBiasIsBlockDiagonalCausal() {
    try (NDManager work = manager.newSubManager()) {
      NDArray segments = work.create(new int[] {1, 1, 2, 0}, new Shape(1, 4));
      float[] bias = Qwen2Decoder.segmentCausalBias(segments).toFloatArray();
      float m = Qwen2Decoder.MASKED;
      assertThat(bias).containsExactly(0, m, m, m, 0, 0, m, m, m, m, 0, m, m, m, m, 0);
      assertThat(Qwen2Decoder.segmentCausalBias(segments).getDataType())
          .isEqualTo(DataType.FLOAT32);
    }
  }

  /** The autograd node that produced {@code array} ("" when no graph was recorded). */
  private static String gradientFunction(NDArray array) {
    return JniUtils.getGradientFunctionNames((PtNDArray) array);
  }

  private static double sumLogProbs(ReferenceQwen2 reference, int[] tokens) {
    double[][] logits = reference.logits(tokens);
    double sum = 0;
    for (int t = 1; t < tokens.length; t++) {
      sum += ReferenceQwen2.logProb(logits[t - 1], tokens[t]);
    }
    return sum;
  }

  private static void assertClose(float[] actual, float[] expected, int offset, int count) {
    for (int i = 0; i < count; i++) {
      assertThat(actual[actual.length == count ? i : offset + i])
          .as("logit %d", offset + i)
          .isCloseTo(expected[offset + i], within(1e-5f));
    }
  }
}
