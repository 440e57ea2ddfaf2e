package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

/**
 * The tensor losses agree with plain double loops written straight from the formulas, on random
 * packed rows (several samples per row, prompt and padding tokens between them, NaN at every masked
 * position) under both reductions.
 */
class LossReferenceTest extends FreshManagerTest {
  @Test
  void policyLossMatchesThePlainLoop() {
    Random random = new Random(11);
    PolicyLoss withKl = new PolicyLoss(0.2, 0.1);
    for (int trial = 0; trial < 20; trial++) {
      Batch b = Batch.random(random);
      for (LossReduction reduction : LossReduction.values()) {
        for (PolicyLoss loss : new PolicyLoss[] {PolicyLoss.ORZ, withKl}) {
          PolicyLoss.Result actual =
              loss.compute(
                  Arrays2d.floats(manager, b.logp),
                  Arrays2d.floats(manager, b.oldLogp),
                  Arrays2d.floats(manager, b.advantages),
                  reduction.weights(Arrays2d.mask(manager, b.mask), Arrays2d.longs(manager, b.seg)),
                  Arrays2d.floats(manager, b.refLogp),
                  Arrays2d.floats(manager, b.entropy));
          double[] expected = referencePolicy(b, reduction, loss);
          String what = "trial " + trial + " " + reduction + " kl " + loss.klCoefficient();
          assertThat((double) actual.loss().getFloat())
              .as(what)
              .isCloseTo(expected[0], within(1e-5));
          PolicyLoss.Diagnostics d = actual.diagnostics();
          assertThat(d.tokens()).as(what).isEqualTo((long) expected[1]);
          assertThat(d.clipFraction()).as(what).isCloseTo(expected[2], within(1e-9));
          assertThat(d.approxKl()).as(what).isCloseTo(expected[3], within(1e-5));
          assertThat(d.entropy()).as(what).isCloseTo(expected[4], within(1e-5));
          if (loss.klCoefficient() > 0) {
            assertThat(d.kl()).as(what).isCloseTo(expected[5], within(1e-5));
          }
        }
      }
    }
  }

  @Test
  void valueLossMatchesThePlainLoop() {
    Random random = new Random(12);
    for (int trial = 0; trial < 20; trial++) {
      Batch b = Batch.random(random);
      for (LossReduction reduction : LossReduction.values()) {
        for (ValueLoss loss : new ValueLoss[] {ValueLoss.CLIPPED, ValueLoss.UNCLIPPED}) {
          ValueLoss.Result actual =
              loss.compute(
                  Arrays2d.floats(manager, b.values),
                  Arrays2d.floats(manager, b.oldValues),
                  Arrays2d.floats(manager, b.returns),
                  reduction.weights(
                      Arrays2d.mask(manager, b.mask), Arrays2d.longs(manager, b.seg)));
          double[] expected = referenceValue(b, reduction, loss.clipRange());
          String what = "trial " + trial + " " + reduction + " clip " + loss.clipRange();
          assertThat((double) actual.loss().getFloat())
              .as(what)
              .isCloseTo(expected[0], within(1e-5));
          assertThat(actual.diagnostics().clipFraction())
              .as(what)
              .isCloseTo(expected[1], within(1e-9));
        }
      }
    }
  }

  /** {loss, tokens, clip fraction, approx KL, entropy, k3 KL}. */
  private static double[] referencePolicy(Batch b, LossReduction reduction, PolicyLoss loss) {
    double eps = loss.clipEpsilon();
    Reducer reducer = new Reducer();
    double clipped = 0;
    double approxKl = 0;
    double entropy = 0;
    double kl = 0;
    for (int r = 0; r < b.mask.length; r++) {
      for (int t = 0; t < b.mask[r].length; t++) {
        reducer.boundary(t == 0 || b.seg[r][t] != b.seg[r][t - 1]);
        if (b.mask[r][t] == 0) {
          continue;
        }
        double logRatio = b.logp[r][t] - b.oldLogp[r][t];
        double ratio = Math.exp(logRatio);
        double a = b.advantages[r][t];
        double unclippedTerm = -a * ratio;
        double clippedTerm = -a * Math.min(Math.max(ratio, 1 - eps), 1 + eps);
        double tokenLoss = Math.max(unclippedTerm, clippedTerm);
        double refLogRatio = b.refLogp[r][t] - b.logp[r][t];
        double k3 = Math.exp(refLogRatio) - refLogRatio - 1;
        tokenLoss += loss.klCoefficient() * k3;
        reducer.add(tokenLoss);
        clipped += clippedTerm > unclippedTerm ? 1 : 0;
        approxKl += ratio - 1 - logRatio;
        entropy += b.entropy[r][t];
        kl += k3;
      }
    }
    double n = reducer.tokens;
    return new double[] {
      reducer.result(reduction), n, clipped / n, approxKl / n, entropy / n, kl / n
    };
  }

  /** {loss, clip fraction}. */
  private static double[] referenceValue(Batch b, LossReduction reduction, double clip) {
    Reducer reducer = new Reducer();
    double clipped = 0;
    for (int r = 0; r < b.mask.length; r++) {
      for (int t = 0; t < b.mask[r].length; t++) {
        reducer.boundary(t == 0 || b.seg[r][t] != b.seg[r][t - 1]);
        if (b.mask[r][t] == 0) {
          continue;
        }
        double v = b.values[r][t];
        double ret = b.returns[r][t];
        double plain = (v - ret) * (v - ret);
        double tokenLoss = plain;
        if (clip > 0) {
          double old = b.oldValues[r][t];
          double vClip = old + Math.min(Math.max(v - old, -clip), clip);
          double clippedTerm = (vClip - ret) * (vClip - ret);
          clipped += Math.abs(v - old) > clip && clippedTerm > plain ? 1 : 0;
          tokenLoss = Math.max(clippedTerm, plain);
        }
        reducer.add(0.5 * tokenLoss);
      }
    }
    return new double[] {reducer.result(reduction), clipped / reducer.tokens};
  }

  /**
   * Sequence mean: the mean of each sample's token mean (samples without response tokens do not
   * count); token mean: the mean over all response tokens.
   */
  private static final class Reducer {
    double sequenceSum;
    int sequences;
    double sampleSum;
    int sampleTokens;
    double tokenSum;
    int tokens;

    void boundary(boolean newSample) {
      if (newSample) {
        closeSample();
      }
    }

    void add(double tokenLoss) {
      sampleSum += tokenLoss;
      sampleTokens++;
      tokenSum += tokenLoss;
      tokens++;
    }

    private void closeSample() {
      if (sampleTokens > 0) {
        sequenceSum += sampleSum / sampleTokens;
        sequences++;
      }
      sampleSum = 0;
      sampleTokens = 0;
    }

    double result(LossReduction reduction) {
      closeSample();
      return reduction == LossReduction.SEQUENCE_MEAN ? sequenceSum / sequences : tokenSum / tokens;
    }
  }

  /** Random packed rows; masked positions hold NaN in every float input. */
  private record Batch(
      int[][] mask,
      int[][] seg,
      double[][] logp,
      double[][] oldLogp,
      double[][] refLogp,
      double[][] advantages,
      double[][] entropy,
      double[][] values,
      double[][] oldValues,
      double[][] returns) {

    static Batch random(Random random) {
      int rows = 1 + random.nextInt(4);
      int cols = 2 + random.nextInt(10);
      int[][] mask = new int[rows][cols];
      int[][] seg = new int[rows][cols];
      double[][][] f = new double[8][rows][cols];
      for (int r = 0; r < rows; r++) {
        int id = 0;
        for (int t = 0; t < cols; t++) {
          id += random.nextInt(4) == 0 ? 1 : 0;
          seg[r][t] = id;
          mask[r][t] = random.nextInt(3) == 0 ? 0 : 1;
        }
      }
      mask[0][cols - 1] = 1;
      for (int r = 0; r < rows; r++) {
        for (int t = 0; t < cols; t++) {
          double logp = -3 * random.nextDouble();
          // Log-ratios around +-0.3 put some ratios outside [0.8, 1.2]; values likewise.
          double[] token = {
            logp,
            logp + 0.3 * random.nextGaussian(),
            logp + 0.3 * random.nextGaussian(),
            random.nextGaussian(),
            3 * random.nextDouble(),
            random.nextGaussian(),
            0,
            random.nextInt(2)
          };
          token[6] = token[5] + 0.3 * random.nextGaussian();
          for (int k = 0; k < f.length; k++) {
            f[k][r][t] = mask[r][t] == 1 ? token[k] : Double.NaN;
          }
        }
      }
      return new Batch(mask, seg, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
    }
  }
}
