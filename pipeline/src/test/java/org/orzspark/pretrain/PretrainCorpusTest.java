package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.datasets.synth.SyntheticProblem;
import org.orzspark.datasets.synth.SyntheticTasks;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.ResponseFormat;
import org.orzspark.reward.verify.VerifyOptions;

class PretrainCorpusTest {

  private static final List<SyntheticProblem> PROBLEMS =
      SyntheticTasks.generate(List.of("arithmetic", "linear", "modular", "comparison"), 2000, 17);

  @Test
  void sameSeedSameCorpusAndEachExampleIndependentOfTheOthers() {
    List<PretrainCorpus.Example> corpus = PretrainCorpus.build(PROBLEMS, 0.45, 3);

    assertThat(PretrainCorpus.build(PROBLEMS, 0.45, 3)).isEqualTo(corpus);
    assertThat(PretrainCorpus.build(PROBLEMS.subList(0, 50), 0.45, 3))
        .isEqualTo(corpus.subList(0, 50));
    assertThat(PretrainCorpus.build(PROBLEMS, 0.45, 4)).isNotEqualTo(corpus);
  }

  @Test
  void theCorruptedShareIsDrawnAcrossAllFlawedStyles() {
    List<PretrainCorpus.Example> corpus = PretrainCorpus.build(PROBLEMS, 0.4, 9);
    Map<SolutionStyle, Integer> counts = new EnumMap<>(SolutionStyle.class);
    corpus.forEach(example -> counts.merge(example.style(), 1, Integer::sum));

    // 2,000 draws at p = 0.4: standard deviation ~11, so +-60 is > 5 sigma.
    assertThat(corpus.size() - counts.get(SolutionStyle.CORRECT)).isBetween(740, 860);
    assertThat(counts.keySet()).containsExactlyInAnyOrder(SolutionStyle.values());
    // ~200 wrong-intermediate draws, but only multi-step arithmetic chains carry an error to the
    // answer (a quarter of the families); the rest fall back to an answer off by a little.
    assertThat(counts.get(SolutionStyle.WRONG_INTERMEDIATE)).isBetween(20, 100);
    assertThat(counts.get(SolutionStyle.ANSWER_OFF))
        .isGreaterThan(counts.get(SolutionStyle.UNFORMATTED));
    assertThat(PretrainCorpus.build(PROBLEMS, 0.0, 9))
        .allMatch(e -> e.style() == SolutionStyle.CORRECT);
  }

  @Test
  void examplesAreTemplatePromptsWithCompletionsScoredAsTheirStyle() {
    for (PretrainCorpus.Example example : PretrainCorpus.build(PROBLEMS.subList(0, 400), 0.5, 1)) {
      assertThat(example.prompt()).endsWith("Assistant: <think>");
      assertThat(example.completion()).startsWith(" ");
      assertThat(ResponseFormat.isWellFormed(example.completion()))
          .isEqualTo(example.style().wellFormed());
      if (example.style().wellFormed()) {
        assertThat(
                OrzReward.score(
                    example.completion(), example.answer(), true, VerifyOptions.DEFAULTS))
            .as(example.completion())
            .isEqualTo(example.style().answerCorrect() ? 1f : 0f);
      }
    }
    assertThat(PretrainCorpus.build(PROBLEMS.subList(0, 1), 0, 1).get(0).prompt())
        .isEqualTo(PromptTemplate.render(PROBLEMS.get(0).question()));
  }

  @Test
  void rejectsAShareOutsideZeroToOne() {
    assertThatThrownBy(() -> PretrainCorpus.build(PROBLEMS, 1.5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
  }
}
