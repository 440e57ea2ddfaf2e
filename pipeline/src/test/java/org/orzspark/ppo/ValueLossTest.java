package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

class ValueLossTest extends FreshManagerTest {
  /*
   * Hand table, clip c = 0.2, V_old = 0.5 everywhere:
   *   V    R    V_clip  (V_clip-R)^2  (V-R)^2  clipped: 1/2 max   unclipped: 1/2 (V-R)^2
   *   0.9  1.0  0.7     0.09          0.01     0.045 (clip wins)  0.005
   *   0.6  0.0  0.6     0.36          0.36     0.18               0.18
   *   0.1  1.0  0.3     0.49          0.81     0.405              0.405
   * token mean: clipped 0.63 / 3 = 0.21, unclipped 0.59 / 3 = 0.196667; clip fraction 1/3.
   */
  private final double[][] values = {{0.9, 0.6, 0.1, 7}};
  private final double[][] old = {{0.5, 0.5, 0.5, -3}};
  private final double[][] returns = {{1.0, 0.0, 1.0, Double.NaN}};
  private final int[][] mask = {{1, 1, 1, 0}};

  @Test
  void clippedAndUnclippedByHand() {
    ValueLoss.Result clipped = compute(ValueLoss.CLIPPED, Arrays2d.floats(manager, values));
    assertThat(clipped.loss().getFloat()).isCloseTo(0.21f, within(1e-6f));
    assertThat(clipped.diagnostics().clipFraction()).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(clipped.diagnostics().meanValue()).isCloseTo(1.6 / 3, within(1e-6));
    ValueLoss.Result plain = compute(ValueLoss.UNCLIPPED, Arrays2d.floats(manager, values));
    assertThat(plain.loss().getFloat()).isCloseTo(0.196667f, within(1e-6f));
    assertThat(plain.diagnostics().clipFraction()).isZero();
    assertThat(ValueLoss.CLIPPED.clipRange()).isEqualTo(0.2);
  }

  @Test
  void gradientFollowsTheWinningTerm() {
    // Token 0: the clipped term wins and V_clip is constant in V -> gradient 0.
    // Token 1: (V - R) / 3 = 0.2; token 2: (0.1 - 1) / 3 = -0.3; masked token (V = NaN): 0.
    NDArray v = Arrays2d.floats(manager, new double[][] {{0.9, 0.6, 0.1, Double.NaN}});
    v.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(compute(ValueLoss.CLIPPED, v).loss());
    }
    float[] g = v.getGradient().toFloatArray();
    assertThat(g[0]).isCloseTo(0f, within(1e-7f));
    assertThat(g[1]).isCloseTo(0.2f, within(1e-6f));
    assertThat(g[2]).isCloseTo(-0.3f, within(1e-6f));
    assertThat(g[3]).isZero();
  }

  @Test
  void packingEqualsPaddingAndMaskedGarbageIsIgnored() {
    // The table's sample packed after a 2-token sample (segment 1), NaN at the masked positions.
    double nan = Double.NaN;
    NDArray packedValues =
        Arrays2d.floats(manager, new double[][] {{nan, 0.3, 0.9, 0.6, 0.1, nan}});
    NDArray packedOld = Arrays2d.floats(manager, new double[][] {{nan, 0.3, 0.5, 0.5, 0.5, nan}});
    NDArray packedReturns = Arrays2d.floats(manager, new double[][] {{nan, 1, 1.0, 0.0, 1.0, nan}});
    NDArray packedMask = Arrays2d.mask(manager, new int[][] {{0, 1, 1, 1, 1, 0}});
    NDArray seg = Arrays2d.longs(manager, new int[][] {{1, 1, 2, 2, 2, 0}});
    LossWeights w = LossReduction.SEQUENCE_MEAN.weights(packedMask, seg);
    // Sample 1 (V = 0.3, R = 1, V_old = 0.3): V_clip = V, 1/2 * 0.49 = 0.245.
    // Mean over the two samples: (0.245 + 0.21) / 2 = 0.2275.
    float packed =
        ValueLoss.CLIPPED.compute(packedValues, packedOld, packedReturns, w).loss().getFloat();
    assertThat(packed).isCloseTo(0.2275f, within(1e-6f));
    NDArray paddedValues = Arrays2d.floats(manager, new double[][] {{0.3, 0, 0}, {0.9, 0.6, 0.1}});
    NDArray paddedOld = Arrays2d.floats(manager, new double[][] {{0.3, 0, 0}, {0.5, 0.5, 0.5}});
    NDArray paddedReturns = Arrays2d.floats(manager, new double[][] {{1, 0, 0}, {1.0, 0.0, 1.0}});
    NDArray paddedMask = Arrays2d.mask(manager, new int[][] {{1, 0, 0}, {1, 1, 1}});
    float padded =
        ValueLoss.CLIPPED
            .compute(
                paddedValues,
                paddedOld,
                paddedReturns,
                LossReduction.SEQUENCE_MEAN.weights(paddedMask, null))
            .loss()
            .getFloat();
    assertThat(packed).isCloseTo(padded, within(1e-6f));
  }

  @Test
  void aValueChangeInsideTheClipRangeIsNotCountedAsClipped() {
    // V = 0.03, V_old = 0.19, R = 0: |V - V_old| = 0.16 < 0.2, so V_clip is V in exact arithmetic,
    // but in fp32 V_old + (V - V_old) = 0.030000001 > V, and its square wins max() by a rounding
    // step. Loss: 1/2 * 0.03^2 = 0.00045 either way; clip fraction 0.
    assertThat(0.19f + (0.03f - 0.19f)).isNotEqualTo(0.03f);
    LossWeights w =
        LossReduction.TOKEN_MEAN.weights(Arrays2d.mask(manager, new int[][] {{1}}), null);
    ValueLoss.Result r =
        ValueLoss.CLIPPED.compute(
            Arrays2d.floats(manager, new double[][] {{0.03}}),
            Arrays2d.floats(manager, new double[][] {{0.19}}),
            Arrays2d.floats(manager, new double[][] {{0}}),
            w);
    assertThat(r.loss().getFloat()).isCloseTo(0.00045f, within(1e-9f));
    assertThat(r.diagnostics().clipFraction()).isZero();
  }

  @Test
  void rejectsANegativeClipRange() {
    assertThatThrownBy(() -> new ValueLoss(-1)).hasMessageContaining("clip range");
  }

  private ValueLoss.Result compute(ValueLoss loss, NDArray v) {
    LossWeights w = LossReduction.SEQUENCE_MEAN.weights(Arrays2d.mask(manager, mask), null);
    return loss.compute(v, Arrays2d.floats(manager, old), Arrays2d.floats(manager, returns), w);
  }
}
