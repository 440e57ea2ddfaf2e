package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

class AdamWTest extends FreshManagerTest {
  @Test
  void orzConfigIsThePaperOptimizer() {
    AdamW.Config orz = AdamW.Config.orz(WarmupSchedule.policy());
    assertThat(orz.beta1()).isEqualTo(0.9);
    assertThat(orz.beta2()).isEqualTo(0.95);
    assertThat(orz.epsilon()).isEqualTo(1e-8);
    assertThat(orz.weightDecay()).isZero();
    assertThat(orz.maxGradNorm()).isEqualTo(1.0);
    assertThat(orz.schedule()).isEqualTo(new WarmupSchedule(1e-6, 50));
    assertThat(WarmupSchedule.critic()).isEqualTo(new WarmupSchedule(5e-6, 50));
  }

  @Test
  void twoStepsByHand() {
    // lr 0.1 (no warm-up), beta = (0.9, 0.95), eps 1e-8, grad g = (0.25, -0.05) then 2g (norms
    // below the clip at 1).
    // Step 1: m = 0.1 g, v = 0.05 g^2 -> m_hat = g, v_hat = g^2 -> p -= 0.1 * sign(g).
    // Step 2: m = 0.09 g + 0.2 g = 0.29 g, v = 0.0475 g^2 + 0.2 g^2 = 0.2475 g^2;
    //   m_hat = 0.29 / 0.19 g = 1.526316 g, v_hat = 0.2475 / 0.0975 g^2 = 2.538462 g^2
    //   p -= 0.1 * 1.526316 / sqrt(2.538462) * sign(g) = 0.1 * 0.957993 * sign(g)
    ParameterList params = params(new float[] {1.0f, -2.0f});
    try (AdamW adam = new AdamW(config(0.1, 1e-8, 0, 1.0), manager)) {
      setGradient(params, 0.25f, -0.05f);
      AdamW.Step s1 = adam.step(params);
      assertThat(s1.applied()).isTrue();
      assertThat(s1.step()).isEqualTo(1);
      assertThat(s1.gradNorm()).isCloseTo(Math.sqrt(0.065), within(1e-6));
      assertThat(values(params)).containsExactly(new float[] {0.9f, -1.9f}, within(1e-6f));
      setGradient(params, 0.5f, -0.1f);
      adam.step(params);
      assertThat(values(params))
          .containsExactly(new float[] {0.9f - 0.0957993f, -1.9f + 0.0957993f}, within(1e-6f));
      assertThat(adam.stepCount()).isEqualTo(2);
    }
  }

  @Test
  void clipsTheGlobalGradientNorm() {
    // eps = 1 makes the step depend on the gradient's size. g = (3, 4), norm 5 -> clipped to
    // (0.6, 0.8); step 1: p -= 0.1 * g' / (|g'| + 1) = (0.1 * 0.6 / 1.6, 0.1 * 0.8 / 1.8).
    ParameterList params = params(new float[] {0f, 0f});
    try (AdamW adam = new AdamW(config(0.1, 1.0, 0, 1.0), manager)) {
      setGradient(params, 3f, 4f);
      assertThat(adam.step(params).gradNorm()).isCloseTo(5.0, within(1e-6));
      assertThat(values(params))
          .containsExactly(new float[] {-0.0375f, -0.0444444f}, within(1e-6f));
    }
    // Clipping off: p -= 0.1 * (3/4, 4/5).
    ParameterList unclipped = params(new float[] {0f, 0f});
    try (AdamW adam = new AdamW(config(0.1, 1.0, 0, 0), manager)) {
      setGradient(unclipped, 3f, 4f);
      adam.step(unclipped);
      assertThat(values(unclipped)).containsExactly(new float[] {-0.075f, -0.08f}, within(1e-6f));
    }
  }

  @Test
  void decoupledWeightDecay() {
    // p = 1 * (1 - 0.1 * 0.1) - 0.1 * sign(g) = 0.99 - 0.1 = 0.89 (the decay skips the moments).
    ParameterList params = params(new float[] {1f});
    try (AdamW adam = new AdamW(config(0.1, 1e-8, 0.1, 1.0), manager)) {
      setGradient(params, 0.5f);
      adam.step(params);
      assertThat(values(params)[0]).isCloseTo(0.89f, within(1e-6f));
    }
  }

  @Test
  void warmUpScalesTheFirstSteps() {
    ParameterList params = params(new float[] {0f});
    try (AdamW adam = new AdamW(AdamW.Config.orz(new WarmupSchedule(0.5, 10)), manager)) {
      setGradient(params, 1f);
      assertThat(adam.step(params).learningRate()).isCloseTo(0.05, within(1e-12));
      assertThat(values(params)[0]).isCloseTo(-0.05f, within(1e-6f));
    }
  }

  /**
   * Finding: DJL's built-in Adam (0.36) computes {@code lr * sqrt(1 - b2^t) / (1 - b1^t) * m /
   * (sqrt(v) + eps)}: eps is not bias-corrected, so it acts like PyTorch's eps / sqrt(1 - b2^t).
   * With eps large enough to matter the two differ; ours follows PyTorch.
   */
  @Test
  void djlAdamPutsEpsilonOutsideTheBiasCorrection() {
    float lr = 0.1f;
    float eps = 1e-2f;
    float g = 0.01f;
    double biasCorrection2 = 1 - 0.95;
    // t = 1: m_hat = g, v_hat = g^2.
    double pytorch = -lr * g / (g + eps);
    double epsOutside = -lr * g / (g + eps / Math.sqrt(biasCorrection2));

    Adam djlAdam =
        Adam.builder()
            .optLearningRateTracker(Tracker.fixed(lr))
            .optBeta1(0.9f)
            .optBeta2(0.95f)
            .optEpsilon(eps)
            .build();
    NDArray weight = manager.create(new float[] {0f});
    weight.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(weight.mul(g).sum());
    }
    djlAdam.update("w", weight, weight.getGradient());
    double djl = weight.toFloatArray()[0];

    ParameterList params = params(new float[] {0f});
    try (AdamW adam = new AdamW(config(lr, eps, 0, 0), manager)) {
      setGradient(params, g);
      adam.step(params);
    }
    double ours = values(params)[0];

    assertThat(djl).isCloseTo(epsOutside, within(1e-7));
    assertThat(ours).isCloseTo(pytorch, within(1e-7));
    assertThat(Math.abs(djl - ours)).isGreaterThan(0.01);
  }

  @Test
  void savedStateResumesBitForBit() throws IOException {
    float[][] grads = {
      {0.3f, -1.2f, 2f},
      {0.1f, 0.4f, -0.5f},
      {-2f, 0.3f, 0.7f},
      {0.5f, 0.5f, 0.5f},
      {1e-3f, -4f, 0.2f}
    };
    ParameterList straight = params(new float[] {0.5f, -0.25f, 1f});
    try (AdamW adam = new AdamW(AdamW.Config.orz(new WarmupSchedule(0.01, 3)), manager)) {
      for (float[] g : grads) {
        setGradient(straight, g);
        adam.step(straight);
      }
    }
    byte[] state;
    float[] paramsAtSave;
    // The same run saved after step 3 and resumed by a fresh optimizer that loads the state.
    ParameterList first = params(new float[] {0.5f, -0.25f, 1f});
    try (AdamW adam = new AdamW(AdamW.Config.orz(new WarmupSchedule(0.01, 3)), manager)) {
      for (int i = 0; i < 3; i++) {
        setGradient(first, grads[i]);
        adam.step(first);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      adam.save(out);
      state = out.toByteArray();
      paramsAtSave = values(first);
    }
    ParameterList resumed = params(paramsAtSave);
    try (AdamW adam = new AdamW(AdamW.Config.orz(new WarmupSchedule(0.01, 3)), manager)) {
      adam.load(new ByteArrayInputStream(state));
      assertThat(adam.stepCount()).isEqualTo(3);
      for (int i = 3; i < 5; i++) {
        setGradient(resumed, grads[i]);
        adam.step(resumed);
      }
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      adam.save(again);
      assertThat(again.toByteArray()).isNotEqualTo(state);
    }
    assertThat(values(resumed)).isEqualTo(values(straight));
  }

  @Test
  void nonFiniteGradientIsRefusedAndChangesNothing() throws IOException {
    ParameterList params = params(new float[] {1f, 2f});
    try (AdamW adam = new AdamW(AdamW.Config.orz(new WarmupSchedule(0.1, 0)), manager)) {
      setGradient(params, 0.5f, 0.5f);
      adam.step(params);
      byte[] before = state(adam);
      float[] paramsBefore = values(params);
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
        setGradient(params, 0.5f, bad);
        AdamW.Step s = adam.step(params);
        assertThat(s.applied()).isFalse();
        assertThat(s.refusal()).contains("non-finite gradient");
        assertThat(s.step()).isEqualTo(1);
        assertThat(values(params)).isEqualTo(paramsBefore);
        assertThat(state(adam)).isEqualTo(before);
      }
    }
  }

  @Test
  void stateOfAnotherModelIsRejectedAtTheNextStep() throws IOException {
    byte[] state;
    try (AdamW adam = new AdamW(AdamW.Config.orz(WarmupSchedule.policy()), manager)) {
      ParameterList small = params(new float[] {1f});
      setGradient(small, 1f);
      adam.step(small);
      state = state(adam);
    }
    try (AdamW adam = new AdamW(AdamW.Config.orz(WarmupSchedule.policy()), manager)) {
      adam.load(new ByteArrayInputStream(state));
      ParameterList larger = params(new float[] {1f, 2f});
      setGradient(larger, 1f, 1f);
      assertThatThrownBy(() -> adam.step(larger))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not fit parameter w");
    }
  }

  @Test
  void loadRejectsForeignBytes() {
    try (AdamW adam = new AdamW(AdamW.Config.orz(WarmupSchedule.policy()), manager)) {
      assertThatThrownBy(
              () ->
                  adam.load(new ByteArrayInputStream(new byte[] {0, 3, 'a', 'b', 'c', 0, 0, 0, 1})))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Not an AdamW state");
    }
  }

  @Test
  void steppingInStretchesIsBitIdentical() throws IOException {
    // 37 values in stretches of 4 (nine full, one of 1) against one stretch; clipping and decay on.
    float[] init = new float[37];
    float[][] grads = new float[3][37];
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int i = 0; i < init.length; i++) {
      init[i] = (float) random.nextGaussian();
      for (float[] g : grads) {
        g[i] = (float) random.nextGaussian();
      }
    }
    long savedChunk = AdamW.stepChunk;
    float[][] finals = new float[2][];
    byte[][] states = new byte[2][];
    try {
      for (int run = 0; run < 2; run++) {
        AdamW.stepChunk = run == 0 ? savedChunk : 4;
        ParameterList params = params(init);
        try (AdamW adam = new AdamW(config(0.05, 1e-8, 0.1, 1.0), manager)) {
          for (float[] g : grads) {
            setGradient(params, g);
            assertThat(adam.step(params).applied()).isTrue();
          }
          finals[run] = values(params);
          states[run] = state(adam);
        }
      }
    } finally {
      AdamW.stepChunk = savedChunk;
    }
    assertThat(finals[1]).isEqualTo(finals[0]).isNotEqualTo(init);
    assertThat(states[1]).isEqualTo(states[0]);
  }

  /**
   * {@code adamw-v1.state} was written by the previous release (moments as DJL-encoded arrays): two
   * AdamW(lr 0.01, no warm-up) steps on a = [0.5, -0.25, 1] (shape [3]) and b = [[2, -3], [0.125,
   * 4]] with constant gradients. Loading it must give the same step count and moments, bit for bit,
   * as taking those steps now.
   */
  @Test
  void loadsTheStateOfThePreviousRelease() throws IOException {
    ParameterList params = new ParameterList();
    addParameter(params, "a", new float[] {0.5f, -0.25f, 1f}, new Shape(3));
    addParameter(params, "b", new float[] {2f, -3f, 0.125f, 4f}, new Shape(2, 2));
    float[][] grads = {{0.3f, -1.2f, 2f}, {0.1f, 0.4f, -0.5f, 1e-3f}};
    AdamW.Config config = AdamW.Config.orz(new WarmupSchedule(0.01, 0));
    byte[] now;
    try (AdamW adam = new AdamW(config, manager)) {
      for (int step = 0; step < 2; step++) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          Gradients.zero(params);
          NDArray a = params.get(0).getValue().getArray();
          NDArray b = params.get(1).getValue().getArray();
          gc.backward(
              a.mul(manager.create(grads[0], a.getShape()))
                  .sum()
                  .add(b.mul(manager.create(grads[1], b.getShape())).sum()));
        }
        adam.step(params);
      }
      assertThat(values(params)).containsExactly(0.48000002f, -0.22999999f, 0.98f);
      now = state(adam);
    }
    try (AdamW adam = new AdamW(config, manager);
        java.io.InputStream legacy = AdamWTest.class.getResourceAsStream("adamw-v1.state")) {
      adam.load(legacy);
      assertThat(adam.stepCount()).isEqualTo(2);
      assertThat(state(adam)).isEqualTo(now);
    }
  }

  @Test
  void aTruncatedStateIsRefusedAndTheOldStateKept() throws IOException {
    ParameterList params = params(new float[] {1f, 2f, 3f});
    try (AdamW adam = new AdamW(AdamW.Config.orz(new WarmupSchedule(0.1, 0)), manager)) {
      setGradient(params, 0.5f, -0.5f, 1f);
      adam.step(params);
      byte[] saved = state(adam);
      // Cut inside the second moment's values.
      byte[] truncated = java.util.Arrays.copyOf(saved, saved.length - 5);
      assertThatThrownBy(() -> adam.load(new ByteArrayInputStream(truncated)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("truncated");
      assertThat(state(adam)).isEqualTo(saved);
    }
  }

  private void addParameter(ParameterList params, String name, float[] init, Shape shape) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    NDArray array = manager.create(init, shape);
    array.setRequiresGradient(true);
    p.setArray(array);
    params.add(name, p);
  }

  private static AdamW.Config config(double lr, double eps, double weightDecay, double maxNorm) {
    return new AdamW.Config(new WarmupSchedule(lr, 0), 0.9, 0.95, eps, weightDecay, maxNorm);
  }

  private ParameterList params(float[] init) {
    Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
    NDArray array = manager.create(init);
    array.setRequiresGradient(true);
    p.setArray(array);
    ParameterList list = new ParameterList();
    list.add("w", p);
    return list;
  }

  /** Makes the gradient of the single parameter equal {@code g}: d/dw sum(w * g) = g. */
  private void setGradient(ParameterList params, float... g) {
    NDArray w = params.get(0).getValue().getArray();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Gradients.zero(params);
      gc.backward(w.mul(manager.create(g)).sum());
    }
  }

  private static float[] values(ParameterList params) {
    return params.get(0).getValue().getArray().toFloatArray();
  }

  private static byte[] state(AdamW adam) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    adam.save(out);
    return out.toByteArray();
  }
}
