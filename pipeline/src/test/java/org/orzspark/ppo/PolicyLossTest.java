package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

class PolicyLossTest extends FreshManagerTest {
  private static final double L15 = Math.log(1.5);
  private static final double L09 = Math.log(0.9);
  private static final double L05 = Math.log(0.5);
  private static final double L11 = Math.log(1.1);
  /*
   * Hand table, eps = 0.2. Row 0 = sample 1 (2 tokens + 1 padding), row 1 = sample 2 (3 tokens):
   *   token  A     ratio  -A*ratio  -A*clip(ratio)  loss   clip active
   *   s1 a   1     1.5    -1.5      -1.2            -1.2   yes
   *   s1 b   1     0.9    -0.9      -0.9            -0.9   no
   *   s2 a   -1    0.5     0.5       0.8             0.8   yes
   *   s2 b   -1    1.1     1.1       1.1             1.1   no
   *   s2 c   0.5   1.0    -0.5      -0.5            -0.5   no
   * sequence mean: s1 = -1.05, s2 = 1.4 / 3 = 0.466667 -> loss = (-1.05 + 0.466667) / 2 = -0.291667
   * token mean: -0.7 / 5 = -0.14; clip fraction 2 / 5.
   */
  private final double[][] logRatio = {{L15, L09, 0}, {L05, L11, 0}};
  private final double[][] adv = {{1, 1, 0}, {-1, -1, 0.5}};
  private final int[][] mask = {{1, 1, 0}, {1, 1, 1}};

  @Test
  void clippedSurrogateByHand() {
    PolicyLoss.Result seq = compute(LossReduction.SEQUENCE_MEAN, logRatio, adv, mask, null);
    assertThat(seq.loss().getFloat()).isCloseTo(-0.291667f, within(1e-6f));
    assertThat(seq.diagnostics().clipFraction()).isEqualTo(0.4);
    assertThat(seq.diagnostics().tokens()).isEqualTo(5);
    double approxKl = ((0.5 - L15) + (-0.1 - L09) + (-0.5 - L05) + (0.1 - L11)) / 5;
    assertThat(seq.diagnostics().approxKl()).isCloseTo(approxKl, within(1e-6));
    assertThat(seq.diagnostics().entropy()).isNaN();
    assertThat(seq.diagnostics().kl()).isNaN();
    PolicyLoss.Result tok = compute(LossReduction.TOKEN_MEAN, logRatio, adv, mask, null);
    assertThat(tok.loss().getFloat()).isCloseTo(-0.14f, within(1e-6f));
  }

  @Test
  void gradientIsZeroWhereTheClipIsActive() {
    // d loss / d logp = -A * ratio * w for unclipped tokens, 0 for clipped ones.
    // Sequence mean, 2 samples: s1 tokens w = 1/2 / 2 = 0.25, s2 tokens w = 1/3 / 2 = 1/6.
    NDArray logp = Arrays2d.floats(manager, logRatio);
    logp.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      LossWeights w = LossReduction.SEQUENCE_MEAN.weights(Arrays2d.mask(manager, mask), null);
      gc.backward(
          PolicyLoss.ORZ
              .compute(logp, logp.zerosLike(), Arrays2d.floats(manager, adv), w, null, null)
              .loss());
    }
    double[][] g = Arrays2d.toDoubles(logp.getGradient());
    double[][] expected = {{0, -0.9 * 0.25, 0}, {0, 1.1 / 6, -0.5 / 6}};
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 3; t++) {
        assertThat(g[b][t]).as("[%d][%d]", b, t).isCloseTo(expected[b][t], within(1e-6));
      }
    }
  }

  @Test
  void maskedPositionsNeverMatter() {
    double inf = Double.NEGATIVE_INFINITY;
    double[][] garbageRatio = {{L15, L09, inf}, {L05, L11, 0}};
    double[][] garbageAdv = {{1, 1, Double.NaN}, {-1, -1, 0.5}};
    NDArray logp = Arrays2d.floats(manager, garbageRatio);
    logp.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      LossWeights w = LossReduction.SEQUENCE_MEAN.weights(Arrays2d.mask(manager, mask), null);
      PolicyLoss.Result r =
          PolicyLoss.ORZ.compute(
              logp,
              Arrays2d.floats(manager, new double[][] {{0, 0, 3}, {0, 0, 0}}),
              Arrays2d.floats(manager, garbageAdv),
              w,
              null,
              null);
      assertThat(r.loss().getFloat()).isCloseTo(-0.291667f, within(1e-6f));
      gc.backward(r.loss());
    }
    assertThat(logp.getGradient().toFloatArray()[2]).isEqualTo(0f);
    assertThat(logp.getGradient().isNaN().any().getBoolean()).isFalse();
  }

  @Test
  void packingEqualsPadding() {
    // The two samples packed into one row (a prompt token between them) as segments 0 and 1.
    double[][] packedRatio = {{L15, L09, 9, L05, L11, 0}};
    double[][] packedAdv = {{1, 1, 9, -1, -1, 0.5}};
    int[][] packedMask = {{1, 1, 0, 1, 1, 1}};
    int[][] seg = {{0, 0, 1, 1, 1, 1}};
    for (LossReduction reduction : LossReduction.values()) {
      NDArray m = Arrays2d.mask(manager, packedMask);
      LossWeights w = reduction.weights(m, Arrays2d.longs(manager, seg));
      double packed =
          PolicyLoss.ORZ
              .compute(
                  Arrays2d.floats(manager, packedRatio),
                  manager.zeros(new Shape(1, 6)),
                  Arrays2d.floats(manager, packedAdv),
                  w,
                  null,
                  null)
              .loss()
              .getFloat();
      double padded = compute(reduction, logRatio, adv, mask, null).loss().getFloat();
      assertThat(packed).as(reduction.name()).isCloseTo(padded, within(1e-6));
    }
  }

  @Test
  void klTermIsOffByDefaultAndByHandWhenOn() {
    assertThat(PolicyLoss.ORZ.klCoefficient()).isZero();
    PolicyLoss withKl = new PolicyLoss(0.2, 0.5);
    LossWeights w =
        LossReduction.TOKEN_MEAN.weights(Arrays2d.mask(manager, new int[][] {{1}}), null);
    NDArray zero = manager.zeros(new Shape(1, 1));
    assertThatThrownBy(() -> withKl.compute(zero, zero, zero, w, null, null))
        .hasMessageContaining("refLogProbs");
    // Advantage 0, ratio 1: only the KL term; ref - logp = 1 -> k3 = e - 1 - 1 = 0.718282.
    NDArray ref = manager.ones(new Shape(1, 1));
    PolicyLoss.Result r = withKl.compute(zero, zero, zero, w, ref, null);
    assertThat(r.loss().getFloat()).isCloseTo((float) (0.5 * (Math.E - 2)), within(1e-6f));
    assertThat(r.diagnostics().kl()).isCloseTo(Math.E - 2, within(1e-6));
  }

  @Test
  void entropyDiagnosticIsTheResponseTokenMean() {
    // Entropies (1, 2, garbage) and (3, 4, 5) over the 5 response tokens: 15 / 5 = 3.
    NDArray entropy = Arrays2d.floats(manager, new double[][] {{1, 2, Double.NaN}, {3, 4, 5}});
    PolicyLoss.Result r = compute(LossReduction.TOKEN_MEAN, logRatio, adv, mask, entropy);
    assertThat(r.diagnostics().entropy()).isCloseTo(3.0, within(1e-7));
  }

  @Test
  void diagnosticsOfPiecesMergeIntoTheWhole() {
    // Row-wise pieces with the whole batch's normaliser (2 samples) sum to the batch loss.
    PolicyLoss.Result whole = compute(LossReduction.SEQUENCE_MEAN, logRatio, adv, mask, null);
    PolicyLoss.Diagnostics merged = null;
    for (int row = 0; row < 2; row++) {
      NDArray m = Arrays2d.mask(manager, new int[][] {mask[row]});
      LossWeights w = LossReduction.SEQUENCE_MEAN.weights(m, null, 2);
      PolicyLoss.Diagnostics d =
          PolicyLoss.ORZ
              .compute(
                  Arrays2d.floats(manager, new double[][] {logRatio[row]}),
                  manager.zeros(new Shape(1, 3)),
                  Arrays2d.floats(manager, new double[][] {adv[row]}),
                  w,
                  null,
                  null)
              .diagnostics();
      merged = merged == null ? d : merged.merge(d);
    }
    assertThat(merged.loss()).isCloseTo(whole.diagnostics().loss(), within(1e-6));
    assertThat(merged.clipFraction()).isEqualTo(whole.diagnostics().clipFraction());
    assertThat(merged.approxKl()).isCloseTo(whole.diagnostics().approxKl(), within(1e-7));
  }

  @Test
  void bothReductionsOfAPackedRowAndOfPiecesByHand() {
    // s1 and s2 packed side by side in one row (segments 1 | padding | 2): the same sums as above,
    // s1's token losses -2.1 in all, s2's 1.4.
    double[][] packedRatio = {{L15, L09, 0, L05, L11, 0}};
    double[][] packedAdv = {{1, 1, 0, -1, -1, 0.5}};
    int[][] packedMask = {{1, 1, 0, 1, 1, 1}};
    NDArray segments = Arrays2d.longs(manager, new int[][] {{1, 1, 0, 2, 2, 2}});
    assertThat(packed(LossReduction.SEQUENCE_MEAN, packedRatio, packedAdv, packedMask, segments, 0))
        .isCloseTo(-0.291667f, within(1e-6f));
    assertThat(packed(LossReduction.TOKEN_MEAN, packedRatio, packedAdv, packedMask, segments, 0))
        .isCloseTo(-0.14f, within(1e-6f));
    // token mean in pieces (micro-batches, replicas): each row over the whole batch's 5 tokens,
    // -2.1 / 5 = -0.42 and 1.4 / 5 = 0.28, summing to the batch's -0.14
    float[] pieces = {-0.42f, 0.28f};
    for (int row = 0; row < 2; row++) {
      float piece =
          packed(
              LossReduction.TOKEN_MEAN,
              new double[][] {logRatio[row]},
              new double[][] {adv[row]},
              new int[][] {mask[row]},
              null,
              5);
      assertThat(piece).as("row %d", row).isCloseTo(pieces[row], within(1e-6f));
    }
  }

  private float packed(
      LossReduction reduction,
      double[][] ratio,
      double[][] advantages,
      int[][] m,
      NDArray segments,
      double globalUnits) {
    NDArray logp = Arrays2d.floats(manager, ratio);
    LossWeights w = reduction.weights(Arrays2d.mask(manager, m), segments, globalUnits);
    return PolicyLoss.ORZ
        .compute(logp, logp.zerosLike(), Arrays2d.floats(manager, advantages), w, null, null)
        .loss()
        .getFloat();
  }

  @Test
  void invalidSettingsAreRejectedWithTheReason() {
    assertThatThrownBy(() -> new PolicyLoss(0, 0)).hasMessageContaining("clip epsilon");
    assertThatThrownBy(() -> LossReduction.parse("mean")).hasMessageContaining("SEQUENCE_MEAN");
    assertThat(LossReduction.parse("token-mean")).isEqualTo(LossReduction.TOKEN_MEAN);
    NDArray noTokens = Arrays2d.mask(manager, new int[][] {{0, 0}});
    assertThatThrownBy(() -> LossReduction.TOKEN_MEAN.weights(noTokens, null))
        .hasMessageContaining("at least one response token");
  }

  private PolicyLoss.Result compute(
      LossReduction reduction,
      double[][] ratio,
      double[][] advantages,
      int[][] m,
      NDArray entropy) {
    NDArray logp = Arrays2d.floats(manager, ratio);
    LossWeights w = reduction.weights(Arrays2d.mask(manager, m), null);
    return PolicyLoss.ORZ.compute(
        logp, logp.zerosLike(), Arrays2d.floats(manager, advantages), w, null, entropy);
  }
}
