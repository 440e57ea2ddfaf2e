package org.orzspark.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.orzspark.evaluation.SampleMetrics.Outcome;

class SampleMetricsTest {
  private static final Offset<Double> EXACT = Offset.offset(1e-12);

  private static Outcome ok(String answer) {
    return new Outcome(answer, true);
  }

  private static Outcome wrong(String answer) {
    return new Outcome(answer, false);
  }

  /**
   * Q1: 4 samples, answers 5,5,3,5 with 5 correct: 3 correct, majority 5 (correct). Q2: 4 samples,
   * answers 2,7,7,null with 2 correct: 1 correct, majority 7 (wrong). Q3: 4 samples, all wrong: 0
   * correct.
   */
  private static final List<List<Outcome>> QUESTIONS =
      List.of(
          List.of(ok("5"), ok("5"), wrong("3"), ok("5")),
          List.of(ok("2"), wrong("7"), wrong("7"), wrong(null)),
          List.of(wrong("1"), wrong("1"), wrong(null), wrong("4")));

  @Test
  void avgAtKIsTheMeanOverAllSamples() {
    assertThat(SampleMetrics.avgAtK(QUESTIONS)).isCloseTo(4.0 / 12, EXACT);
  }

  @Test
  void passAtKMatchesHandComputedBinomials() {
    // n=4, c=3, k=2: 1 - C(1,2)/C(4,2) = 1 - 0/6 = 1
    assertThat(SampleMetrics.passAtK(4, 3, 2)).isCloseTo(1.0, EXACT);
    // n=4, c=1, k=2: 1 - C(3,2)/C(4,2) = 1 - 3/6 = 0.5
    assertThat(SampleMetrics.passAtK(4, 1, 2)).isCloseTo(0.5, EXACT);
    // n=4, c=1, k=1: 1 - C(3,1)/C(4,1) = 0.25
    assertThat(SampleMetrics.passAtK(4, 1, 1)).isCloseTo(0.25, EXACT);
    // n=5, c=2, k=3: 1 - C(3,3)/C(5,3) = 1 - 1/10 = 0.9
    assertThat(SampleMetrics.passAtK(5, 2, 3)).isCloseTo(0.9, EXACT);
    assertThat(SampleMetrics.passAtK(4, 0, 4)).isZero();
    // mean over the three questions at k=2: (1 + 0.5 + 0) / 3
    assertThat(SampleMetrics.passAtK(QUESTIONS, 2)).isCloseTo(0.5, EXACT);
    assertThatThrownBy(() -> SampleMetrics.passAtK(2, 1, 3)).hasMessageContaining("pass@3");
  }

  @Test
  void majAtKCountsQuestionsWhoseMostFrequentAnswerIsCorrect() {
    assertThat(SampleMetrics.majAtK(QUESTIONS)).isCloseTo(1.0 / 3, EXACT);
    // A tie (one "a" wrong, one "b" correct) goes to the smaller answer text: "a", wrong.
    assertThat(SampleMetrics.majorityCorrect(List.of(wrong("a"), ok("b")))).isFalse();
    assertThat(SampleMetrics.majorityCorrect(List.of(wrong(null), wrong(null), ok("b")))).isTrue();
  }
}
