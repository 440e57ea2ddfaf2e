package org.orzspark.datasets.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptId;
import org.orzspark.datasets.PromptRecord;

class SyntheticTasksTest {

  private static final List<String> ALL =
      Arrays.stream(SyntheticFamily.values()).map(SyntheticFamily::id).toList();

  @Test
  void sameSeedGivesTheSameProblemsAndOtherSeedsDiffer() {
    List<SyntheticProblem> first = SyntheticTasks.generate(ALL, 60, 42);
    assertThat(SyntheticTasks.generate(ALL, 60, 42)).isEqualTo(first);
    List<SyntheticProblem> other = SyntheticTasks.generate(ALL, 60, 43);
    long same = 0;
    for (int i = 0; i < first.size(); i++) {
      same += first.get(i).equals(other.get(i)) ? 1 : 0;
    }
    assertThat(same).as("problems shared by seeds 42 and 43").isLessThan(6);
  }

  @Test
  void problemDependsOnlyOnSeedFamilyAndIndex() {
    List<SyntheticProblem> shortRun = SyntheticTasks.generate(ALL, 12, 5);
    assertThat(SyntheticTasks.generate(ALL, 48, 5).subList(0, 12)).isEqualTo(shortRun);
    // Index 1 is "linear" in both lists: the other families do not influence it.
    assertThat(SyntheticTasks.generate(List.of("linear", "linear"), 2, 5).get(1))
        .isEqualTo(SyntheticTasks.generate(List.of("arithmetic", "linear"), 2, 5).get(1));
  }

  @Test
  void familiesAreAssignedRoundRobinAndDifficultiesStayInRange() {
    List<SyntheticProblem> problems =
        SyntheticTasks.generate(List.of("modular", "COUNTING"), 40, 1, 2, 3);
    for (int i = 0; i < problems.size(); i++) {
      assertThat(problems.get(i).family()).isEqualTo(i % 2 == 0 ? "modular" : "counting");
      assertThat(problems.get(i).difficulty()).isBetween(2, 3);
    }
    assertThat(problems.stream().map(SyntheticProblem::difficulty).distinct()).hasSize(2);
  }

  @Test
  void everyFamilyAndDifficultyGivesShortPlainQuestionsAndWorkedSolutions() {
    for (SyntheticFamily family : SyntheticFamily.values()) {
      for (int d = 1; d <= 3; d++) {
        for (SyntheticProblem p : SyntheticTasks.generate(List.of(family.id()), 30, d, d, d)) {
          assertThat(p.question()).matches("[A-Za-z0-9 +\\-*/=().,?:]+").hasSizeLessThan(100);
          assertThat(p.answer()).matches("-?\\d+(/\\d+)?|yes|no|A|B");
          assertThat(p.solutionSteps()).isNotEmpty().allMatch(s -> s.length() < 120);
          assertThat(p.solutionSteps().get(p.solutionSteps().size() - 1)).endsWith(p.answer());
          assertThat(p.difficulty()).isEqualTo(d);
          assertThat(p.family()).isEqualTo(family.id());
        }
      }
    }
  }

  @Test
  void difficultiesOfAFamilyAreDifferentTasks() {
    Map<Integer, Double> meanSteps =
        SyntheticTasks.generate(List.of("arithmetic"), 300, 3).stream()
            .collect(
                Collectors.groupingBy(
                    SyntheticProblem::difficulty,
                    Collectors.averagingInt(p -> p.solutionSteps().size())));
    assertThat(meanSteps.get(1)).isLessThan(meanSteps.get(2));
    assertThat(meanSteps.get(2)).isLessThan(meanSteps.get(3));
  }

  @Test
  void distinctGenerationSkipsRepeatsButKeepsFamilySharesAndOrder() {
    List<String> families = List.of("counting", "arithmetic");
    List<SyntheticProblem> all = SyntheticTasks.generate(families, 400, 3);
    assertThat(all.stream().map(SyntheticProblem::question).distinct().count())
        .as("the plain stream has repeats")
        .isLessThan(400);
    List<SyntheticProblem> distinct = SyntheticTasks.generateDistinct(families, 400, 3, 1, 3);
    assertThat(distinct.stream().map(p -> PromptId.of(p.question())).distinct()).hasSize(400);
    for (int i = 0; i < distinct.size(); i++) {
      assertThat(distinct.get(i).family()).isEqualTo(families.get(i % 2));
    }
    assertThat(distinct.get(0)).isEqualTo(all.get(0));
    assertThat(SyntheticTasks.generateDistinct(List.of("arithmetic"), 20, 3, 3, 3))
        .as("without repeats it is the plain stream")
        .isEqualTo(SyntheticTasks.generate(List.of("arithmetic"), 20, 3, 3, 3));
  }

  @Test
  void unknownFamilyNamesTheValidOnes() {
    assertThatThrownBy(() -> SyntheticTasks.generate(List.of("calculus"), 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("calculus")
        .hasMessageContaining(SyntheticFamily.ids());
    assertThatThrownBy(() -> SyntheticTasks.generate(ALL, 1, 0, 0, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void promptRecordCarriesFamilyAndDifficulty() {
    SyntheticProblem p = SyntheticTasks.generate(List.of("fractions"), 1, 9).get(0);
    PromptRecord record = SyntheticTasks.fromProblem(p);
    assertThat(record.promptId()).isEqualTo(PromptId.of(p.question()));
    assertThat(record.source()).isEqualTo("synth/fractions");
    assertThat(record.answer()).isEqualTo(p.answer());
    assertThat(record.metadata())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("family", "fractions", "difficulty", Integer.toString(p.difficulty())));
    assertThat(record.choices()).isNull();
    assertThat(record.passRate()).isNull();
  }
}
