package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.FreshManagerTest;

class GaeTest extends FreshManagerTest {
  private static final double TOL = 1e-6;

  @Test
  void gammaLambdaOneIsRewardMinusValue() {
    // ORZ: terminal reward 1 on the last response token; A_t = R - V_t, return = R. The inputs
    // arrive as fp64; the outputs are fp32 (ORZ computes GAE in fp32).
    assertThat(Gae.GAMMA_DEFAULT).isEqualTo(1.0);
    assertThat(Gae.LAMBDA_DEFAULT).isEqualTo(1.0);
    NDArray rewards =
        Arrays2d.floats(manager, new double[][] {{0, 0, 1}, {0, 0, 0}})
            .toType(DataType.FLOAT64, false);
    NDArray values =
        Arrays2d.floats(manager, new double[][] {{0.2, 0.5, 0.9}, {0.3, -0.1, 0.4}})
            .toType(DataType.FLOAT64, false);
    NDArray mask = Arrays2d.mask(manager, new int[][] {{1, 1, 1}, {1, 1, 1}});
    Gae.Result r = Gae.compute(rewards, values, mask, null);
    assertThat(r.advantages().getDataType()).isEqualTo(DataType.FLOAT32);
    assertThat(r.returns().getDataType()).isEqualTo(DataType.FLOAT32);
    assertRows(r.advantages(), new double[][] {{0.8, 0.5, 0.1}, {-0.3, 0.1, -0.4}});
    assertRows(r.returns(), new double[][] {{1, 1, 1}, {0, 0, 0}});
    // gamma = 0.9 would discount the reward: the default is not that.
    assertThat(Gae.compute(rewards, values, mask, null, 0.9, 1).advantages().getFloat(0, 0))
        .isCloseTo((float) (0.81 - 0.2), within(1e-6f));
  }

  @Test
  void discountedTableByHand() {
    // gamma = 0.9, lambda = 0.95 (gamma * lambda = 0.855), V = (0.5, 0.4, 0.6), r = (0, 0, 1):
    // t=2: delta = 1 - 0.6 = 0.4;                 A = 0.4
    // t=1: delta = 0.9 * 0.6 - 0.4 = 0.14;        A = 0.14 + 0.855 * 0.4 = 0.482
    // t=0: delta = 0.9 * 0.4 - 0.5 = -0.14;       A = -0.14 + 0.855 * 0.482 = 0.27211
    // returns = A + V = (0.77211, 0.882, 1.0)
    Gae.Result r =
        Gae.compute(
            Arrays2d.floats(manager, new double[][] {{0, 0, 1}}),
            Arrays2d.floats(manager, new double[][] {{0.5, 0.4, 0.6}}),
            Arrays2d.mask(manager, new int[][] {{1, 1, 1}}),
            null,
            0.9,
            0.95);
    assertRows(r.advantages(), new double[][] {{0.27211, 0.482, 0.4}});
    assertRows(r.returns(), new double[][] {{0.77211, 0.882, 1.0}});
  }

  @Test
  void promptAndPaddingPositionsAreSkippedAndIgnored() {
    // The same sample as discountedTableByHand, behind two prompt tokens and before padding, with
    // garbage (even NaN) at masked positions: same advantages at the response, 0 elsewhere.
    double nan = Double.NaN;
    Gae.Result r =
        Gae.compute(
            Arrays2d.floats(manager, new double[][] {{7, nan, 0, 0, 1, 5}}),
            Arrays2d.floats(manager, new double[][] {{nan, 3, 0.5, 0.4, 0.6, -8}}),
            Arrays2d.mask(manager, new int[][] {{0, 0, 1, 1, 1, 0}}),
            null,
            0.9,
            0.95);
    assertRows(r.advantages(), new double[][] {{0, 0, 0.27211, 0.482, 0.4, 0}});
    assertRows(r.returns(), new double[][] {{0, 0, 0.77211, 0.882, 1.0, 0}});
  }

  @Test
  void packedRowResetsAtSampleBoundaries() {
    // Two samples packed in one row (segments 0 and 1, then padding as segment 2) equal the same
    // two samples padded into separate rows.
    int[][] seg = {{0, 0, 0, 1, 1, 1, 1, 2}};
    int[][] packedMask = {{0, 1, 1, 0, 1, 1, 1, 0}};
    double[][] packedValues = {{9, 0.3, 0.7, 9, 0.1, 0.2, 0.4, 9}};
    double[][] packedRewards = {{0, 0, 1, 0, 0, 0, 0, 0}};
    Gae.Result packed =
        Gae.compute(
            Arrays2d.floats(manager, packedRewards),
            Arrays2d.floats(manager, packedValues),
            Arrays2d.mask(manager, packedMask),
            Arrays2d.longs(manager, seg),
            0.9,
            0.95);
    Gae.Result padded =
        Gae.compute(
            Arrays2d.floats(manager, new double[][] {{0, 1, 0}, {0, 0, 0}}),
            Arrays2d.floats(manager, new double[][] {{0.3, 0.7, 0}, {0.1, 0.2, 0.4}}),
            Arrays2d.mask(manager, new int[][] {{1, 1, 0}, {1, 1, 1}}),
            null,
            0.9,
            0.95);
    double[][] p = Arrays2d.toDoubles(padded.advantages());
    assertRows(
        packed.advantages(),
        new double[][] {{0, p[0][0], p[0][1], 0, p[1][0], p[1][1], p[1][2], 0}});
    // Without the boundary the first sample would bootstrap from the second's values.
    Gae.Result unsegmented =
        Gae.compute(
            Arrays2d.floats(manager, packedRewards),
            Arrays2d.floats(manager, packedValues),
            Arrays2d.mask(manager, packedMask),
            null,
            0.9,
            0.95);
    assertThat(Arrays2d.toDoubles(unsegmented.advantages())[0][2])
        .isNotCloseTo(p[0][1], within(1e-3));
  }

  @Test
  void terminalRewardSitsOnTheLastResponseToken() {
    NDArray mask = Arrays2d.mask(manager, new int[][] {{0, 1, 1, 0}, {1, 1, 1, 1}, {0, 0, 0, 0}});
    NDArray rewards = manager.create(new float[] {1, 0.5f, 1});
    assertRows(
        Gae.terminalRewards(mask, rewards),
        new double[][] {{0, 0, 1, 0}, {0, 0, 0, 0.5}, {0, 0, 0, 0}});
    NDArray packedMask = Arrays2d.mask(manager, new int[][] {{0, 1, 1, 0, 1, 0}});
    NDArray seg = Arrays2d.longs(manager, new int[][] {{4, 4, 4, 7, 7, 7}});
    assertRows(Gae.lastResponseTokens(packedMask, seg), new double[][] {{0, 0, 1, 0, 1, 0}});
  }

  @Test
  void tensorImplementationMatchesPlainLoopOnRandomInputs() {
    Random random = new Random(42);
    for (double[] gl : new double[][] {{1, 1}, {0.9, 0.95}, {0.99, 0.5}}) {
      for (int trial = 0; trial < 5; trial++) {
        int rows = 1 + random.nextInt(4);
        int cols = 1 + random.nextInt(12);
        double[][] rewards = new double[rows][cols];
        double[][] values = new double[rows][cols];
        int[][] mask = new int[rows][cols];
        int[][] seg = new int[rows][cols];
        boolean[][] maskB = new boolean[rows][cols];
        long[][] segL = new long[rows][cols];
        for (int b = 0; b < rows; b++) {
          int id = 0;
          for (int t = 0; t < cols; t++) {
            id += random.nextInt(4) == 0 ? 1 : 0;
            seg[b][t] = id;
            segL[b][t] = id;
            mask[b][t] = random.nextInt(3) == 0 ? 0 : 1;
            maskB[b][t] = mask[b][t] == 1;
            rewards[b][t] = random.nextInt(5) == 0 ? random.nextGaussian() : 0;
            values[b][t] = random.nextGaussian();
          }
        }
        double[][][] expected = GaeReference.compute(rewards, values, maskB, segL, gl[0], gl[1]);
        Gae.Result actual =
            Gae.compute(
                Arrays2d.floats(manager, rewards),
                Arrays2d.floats(manager, values),
                Arrays2d.mask(manager, mask),
                Arrays2d.longs(manager, seg),
                gl[0],
                gl[1]);
        assertRows(actual.advantages(), expected[0], 1e-5);
        assertRows(actual.returns(), expected[1], 1e-5);
      }
    }
  }

  private static void assertRows(NDArray actual, double[][] expected) {
    assertRows(actual, expected, TOL);
  }

  private static void assertRows(NDArray actual, double[][] expected, double tol) {
    double[][] a = Arrays2d.toDoubles(actual);
    assertThat(a.length).isEqualTo(expected.length);
    for (int b = 0; b < a.length; b++) {
      for (int t = 0; t < a[b].length; t++) {
        assertThat(a[b][t]).as("[%d][%d]", b, t).isCloseTo(expected[b][t], within(tol));
      }
    }
  }
}
