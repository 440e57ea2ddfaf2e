package org.orzspark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepMomentsTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void jumpIsRelativeToThePreviousWindowMeanAndSd() {
    // before [1,3]: mean 2, sd 1; after [5,7]: mean 6; delta 4 -> relative 4/2, z 4/1
    StepMoments.Jump j = StepMoments.jump(new double[] {1, 3, 5, 7}, 2, 2);
    assertThat(j.relative()).isEqualTo(2.0);
    assertThat(j.z()).isEqualTo(4.0);
    // flat before: sd 0 -> z infinite; a fall is negative
    assertThat(StepMoments.jump(new double[] {2, 2, 3, 3}, 2, 2))
        .isEqualTo(new StepMoments.Jump(0.5, INF));
    assertThat(StepMoments.jump(new double[] {4, 4, 2, 2}, 2, 2).relative()).isEqualTo(-0.5);
  }

  @Test
  void jumpSkipsNaNAndNeedsBothWindows() {
    // before {2} (NaN skipped): mean 2, sd 0; after {4}
    assertThat(StepMoments.jump(new double[] {NAN, 2, 4, NAN}, 2, 2))
        .isEqualTo(new StepMoments.Jump(1.0, INF));
    assertThat(StepMoments.jump(new double[] {NAN, NAN, 4, 4}, 2, 2)).isNull();
    assertThat(StepMoments.jump(new double[] {1, 2, 3}, 1, 2))
        .as("before window out of range")
        .isNull();
    assertThat(StepMoments.jump(new double[] {1, 2, 3}, 2, 2))
        .as("after window out of range")
        .isNull();
  }

  @Test
  void oneStepWhereAllThreeSeriesJumpTogether() {
    // w=2. Candidates: i=3 (after [low,high]: relative 2 for x) and i=4 (after all high: relative
    // 4);
    // i=5 has z = 1 (< 3). The run {3,4} gives one step, at 4, the first raised value.
    double[] reward = {0.2, 0.2, 0.2, 0.2, 1.0, 1.0, 1.0, 1.0};
    double[] length = {100, 100, 100, 100, 200, 200, 200, 200};
    double[] reflection = {NAN, 50, 50, 50, 150, 150, 150, 150};
    List<StepMoments.Step> steps =
        StepMoments.detect(List.of(reward, length, reflection), new StepMoments.Rule(2, 3, 0.1));
    assertThat(steps).extracting(StepMoments.Step::index).containsExactly(4);
    StepMoments.Step step = steps.get(0);
    assertThat(step.jumps().get(0).relative()).isCloseTo(4.0, within(1e-12));
    assertThat(step.jumps().get(1).relative()).isEqualTo(1.0);
    assertThat(step.jumps().get(2).relative()).isEqualTo(2.0);
    assertThat(step.score()).isEqualTo(1.0);
  }

  @Test
  void noStepWhenOneSeriesStaysFlatOrJumpsTooLittle() {
    double[] reward = {0.2, 0.2, 0.2, 0.2, 1.0, 1.0, 1.0, 1.0};
    double[] flat = {100, 100, 100, 100, 100, 100, 100, 100};
    double[] small = {100, 100, 100, 100, 105, 105, 105, 105};
    StepMoments.Rule rule = new StepMoments.Rule(2, 3, 0.1);
    assertThat(StepMoments.detect(List.of(reward, flat, reward), rule)).isEmpty();
    assertThat(StepMoments.detect(List.of(reward, small, reward), rule)).as("5% < 10%").isEmpty();
    assertThat(StepMoments.detect(List.of(reward, small, reward), new StepMoments.Rule(2, 3, 0.05)))
        .extracting(StepMoments.Step::index)
        .containsExactly(4);
  }

  @Test
  void noisyPlateausNeedAJumpOfMinZStandardDeviations() {
    // before window of index 4 (w=4): [10,12,10,12], mean 11, sd 1; after [13,15,13,15] mean 14: z
    // 3.
    double[] x = {10, 12, 10, 12, 13, 15, 13, 15};
    assertThat(StepMoments.detect(List.of(x), new StepMoments.Rule(4, 3, 0.1)))
        .extracting(StepMoments.Step::index)
        .containsExactly(4);
    assertThat(StepMoments.detect(List.of(x), new StepMoments.Rule(4, 3.5, 0.1))).isEmpty();
  }

  @Test
  void twoSeparateStepsAreTwoMoments() {
    double[] x = {1, 1, 1, 2, 2, 2, 4, 4, 4};
    assertThat(StepMoments.detect(List.of(x, x), new StepMoments.Rule(2, 3, 0.1)))
        .extracting(StepMoments.Step::index)
        .containsExactly(3, 6);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> new StepMoments.Rule(0, 3, 0.1)).hasMessageContaining("window");
    assertThatThrownBy(
            () ->
                StepMoments.detect(List.of(new double[3], new double[4]), StepMoments.Rule.DEFAULT))
        .hasMessageContaining("lengths differ");
  }
}
