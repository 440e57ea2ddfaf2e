package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.ResponseFormat;
import org.orzspark.reward.verify.VerifyOptions;

class WorkedSolutionsTest {

  private static final List<String> TWO_STEPS = List.of("3 + 4 = 7", "7 * 2 = 14");

  @Test
  void formatsStepsThenTheTaggedBoxedAnswer() {
    assertThat(WorkedSolutions.formatted(TWO_STEPS, "14"))
        .isEqualTo(" 3 + 4 = 7. 7 * 2 = 14. </think> <answer> \\boxed{14} </answer>");
  }

  @Test
  void aWrongIntermediateIsCarriedThroughToTheAnswer() {
    for (long seed = 0; seed < 50; seed++) {
      WorkedSolutions.Carried carried =
          WorkedSolutions.carryWrongIntermediate(TWO_STEPS, "14", new SplittableRandom(seed))
              .orElseThrow();
      Matcher first = Pattern.compile("3 \\+ 4 = (-?\\d+)").matcher(carried.steps().get(0));
      assertThat(first.matches()).isTrue();
      long wrong = Long.parseLong(first.group(1));
      assertThat(wrong).isNotEqualTo(7).isBetween(2L, 12L);
      assertThat(carried.steps().get(1)).isEqualTo(wrong + " * 2 = " + 2 * wrong);
      assertThat(carried.answer()).isEqualTo(Long.toString(2 * wrong));
    }
  }

  @Test
  void aNegativeWrongValueIsParenthesisedAsARightOperand() {
    // 2 - 3 = -1 becomes -1+d; d = -1..-5 gives a negative right operand of "10 - (...)".
    List<String> steps = List.of("2 - 3 = -1", "10 - (-1) = 11");
    boolean sawNegative = false;
    for (long seed = 0; seed < 50; seed++) {
      WorkedSolutions.Carried carried =
          WorkedSolutions.carryWrongIntermediate(steps, "11", new SplittableRandom(seed))
              .orElseThrow();
      long wrong = Long.parseLong(carried.steps().get(0).substring("2 - 3 = ".length()));
      String operand = wrong < 0 ? "(" + wrong + ")" : Long.toString(wrong);
      assertThat(carried.steps().get(1)).isEqualTo("10 - " + operand + " = " + (10 - wrong));
      assertThat(carried.answer()).isEqualTo(Long.toString(10 - wrong));
      sawNegative |= wrong < 0;
    }
    assertThat(sawNegative).isTrue();
  }

  @Test
  void noCarryWhenTheChainPassesAStepOfAnotherShapeOrThereIsOneStep() {
    List<String> modular = List.of("23 * 17 = 391", "391 = 5 * 78 + 1", "The remainder is 1");
    assertThat(WorkedSolutions.carryWrongIntermediate(modular, "1", new SplittableRandom(1)))
        .isEmpty();
    assertThat(
            WorkedSolutions.carryWrongIntermediate(
                List.of("3 + 4 = 7"), "7", new SplittableRandom(1)))
        .isEmpty();
  }

  @Test
  void answersMoveByALittleOrSwapChoices() {
    for (long seed = 0; seed < 30; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      long integer = Long.parseLong(WorkedSolutions.offByALittle("-3", random).orElseThrow());
      assertThat(integer).isNotEqualTo(-3).isBetween(-8L, 2L);
      String fraction = WorkedSolutions.offByALittle("3/4", random).orElseThrow();
      assertThat(fraction).endsWith("/4").isNotEqualTo("3/4");
    }
    SplittableRandom random = new SplittableRandom(0);
    assertThat(WorkedSolutions.offByALittle("yes", random)).contains("no");
    assertThat(WorkedSolutions.offByALittle("B", random)).contains("A");
    assertThat(WorkedSolutions.offByALittle("x + 1", random)).isEqualTo(Optional.empty());
  }

  @Test
  void flawsThatCannotApplyFallBackToTheNearestStyle() {
    SplittableRandom random = new SplittableRandom(5);
    assertThat(
            WorkedSolutions.write(
                    List.of("3 + 4 = 7"), "7", SolutionStyle.WRONG_INTERMEDIATE, random)
                .style())
        .isEqualTo(SolutionStyle.ANSWER_OFF);
    assertThat(
            WorkedSolutions.write(List.of("so x + 1"), "x + 1", SolutionStyle.ANSWER_OFF, random)
                .style())
        .isEqualTo(SolutionStyle.UNFORMATTED);
  }

  @Test
  void everyStyleScoresAsItsNameSays() {
    List<String> steps = List.of("5 + 6 = 11", "11 - 4 = 7", "7 * 3 = 21");
    for (SolutionStyle style : SolutionStyle.values()) {
      for (long seed = 0; seed < 40; seed++) {
        WorkedSolutions.Written written =
            WorkedSolutions.write(steps, "21", style, new SplittableRandom(seed));
        assertThat(written.style()).isEqualTo(style);
        String completion = written.completion();
        assertThat(ResponseFormat.isWellFormed(completion))
            .as(completion)
            .isEqualTo(style.wellFormed());
        if (style.wellFormed()) {
          assertThat(OrzReward.score(completion, "21", true, VerifyOptions.DEFAULTS))
              .as(completion)
              .isEqualTo(style.answerCorrect() ? 1f : 0f);
        } else {
          // Only the format is broken: the correct answer is still written.
          assertThat(completion).contains("21");
        }
      }
    }
  }
}
