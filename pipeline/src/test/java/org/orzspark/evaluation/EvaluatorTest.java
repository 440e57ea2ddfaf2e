package org.orzspark.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.generation.SampleRandom;
import org.orzspark.model.BigramModels;
import org.orzspark.testing.SharedSpark;
import org.orzspark.tokenizer.SpecialTokens;

/**
 * Evaluation through the real engine, reward and metrics with {@link BigramModels}, whose responses
 * are known: every figure is counted by hand from the responses the construction fixes.
 */
class EvaluatorTest {
  private static final Offset<Double> EXACT = Offset.offset(1e-12);
  private static final long SEED = 42;
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @TempDir static Path dir;

  static ScoredSampling.Settings settings(int samples) {
    return new ScoredSampling.Settings(
        samples, 1.0, 1.0, 8, org.orzspark.datasets.PromptTemplate.Variant.PAPER, 16, SEED, 0);
  }

  static List<PromptRecord> questions(String... golds) {
    return java.util.stream.IntStream.range(0, golds.length)
        .mapToObj(
            i ->
                PromptRecord.of(
                    "Question " + i + ": what is the answer?",
                    golds[i],
                    "test",
                    null,
                    null,
                    Map.of()))
        .toList();
  }

  private static List<Evaluator.ScoredSample> sampleAndScore(
      Path model, String benchmark, List<PromptRecord> prompts, int samples) {
    return Evaluator.sampleAndScore(
        SharedSpark.session(), model.toString(), benchmark, prompts, settings(samples), QUIET);
  }

  @Test
  void aModelThatAlwaysAnswersSevenSolvesTheQuestionsWhoseGoldEqualsSeven() throws Exception {
    Path model = BigramModels.write(dir.resolve("sevens"), BigramModels.answering("7"));
    // Every response is </think><answer>\boxed{7}</answer>: golds 7, 7.0 and 14/2 equal 7,
    // golds 3 and -7 do not. Each question's 3 samples agree, so avg@3 = pass@3 = maj@3 = 3/5.
    List<Evaluator.ScoredSample> scored =
        sampleAndScore(model, "sevens", questions("7", "7.0", "\\frac{14}{2}", "3", "-7"), 3);
    assertThat(scored)
        .hasSize(15)
        .allSatisfy(
            s -> {
              assertThat(s.answer()).isEqualTo("7");
              assertThat(s.wellFormed()).isTrue();
            });
    Evaluator.Result result = Evaluator.summarize("sevens", 3, scored);
    assertThat(result.questions()).isEqualTo(5);
    assertThat(result.avgAtK()).isCloseTo(3.0 / 5, EXACT);
    assertThat(result.passAtK()).isCloseTo(3.0 / 5, EXACT);
    assertThat(result.majAtK()).isCloseTo(3.0 / 5, EXACT);
    assertThat(result.formatRate()).isEqualTo(1.0);
  }

  @Test
  void anAnswerWithoutThinkCloseIsRewardedButNotWellFormed() throws Exception {
    // <answer>\boxed{7}</answer> straight after the prompt's <think>: the reward has no format
    // term, so gold 7 is solved (1 of 2), but no response follows the format.
    Path model =
        BigramModels.write(
            dir.resolve("no-think-close"),
            Map.of(
                SpecialTokens.THINK_OPEN,
                List.of(SpecialTokens.ANSWER_OPEN),
                SpecialTokens.ANSWER_OPEN,
                List.of(BigramModels.boxed("7")),
                BigramModels.boxed("7"),
                List.of(SpecialTokens.ANSWER_CLOSE)));
    Evaluator.Result result =
        Evaluator.evaluate(
            SharedSpark.session(),
            model.toString(),
            "unformatted",
            questions("7", "8"),
            settings(2),
            QUIET);
    assertThat(result.avgAtK()).isCloseTo(0.5, EXACT);
    assertThat(result.formatRate()).isEqualTo(0.0);
  }

  @Test
  void avgPassAndMajDifferWhenSamplesOfAQuestionDisagree() throws Exception {
    Path model =
        BigramModels.write(dir.resolve("sevens-or-threes"), BigramModels.answering("7", "3"));
    List<PromptRecord> prompts = questions("7", "3", "5");
    String benchmark = "sevens-or-threes";
    List<Evaluator.ScoredSample> scored = sampleAndScore(model, benchmark, prompts, 8);

    // Each sample answers 7 iff its uniform number at the branch (response token 2) is below 1/2.
    long seed = Evaluator.samplingSeed(SEED, benchmark);
    Map<String, List<String>> answers =
        scored.stream()
            .collect(
                Collectors.groupingBy(
                    Evaluator.ScoredSample::promptId,
                    Collectors.mapping(Evaluator.ScoredSample::answer, Collectors.toList())));
    for (Evaluator.ScoredSample s : scored) {
      String drawn = SampleRandom.uniform(seed, s.promptId(), s.sampleIndex(), 2) < 0.5 ? "7" : "3";
      assertThat(s.answer()).as("%s sample %d", s.promptId(), s.sampleIndex()).isEqualTo(drawn);
    }
    // The draws of this seed: question "7" gets four 7s of 8, question "3" five 3s of 8 (three
    // 7s), question "5" nothing correct.
    assertThat(answers.get(prompts.get(0).promptId())).filteredOn("7"::equals).hasSize(4);
    assertThat(answers.get(prompts.get(1).promptId())).filteredOn("3"::equals).hasSize(5);

    Evaluator.Result result = Evaluator.summarize(benchmark, 8, scored);
    // avg@8 = (4 + 5 + 0) / 24
    assertThat(result.avgAtK()).isCloseTo(9.0 / 24, EXACT);
    // pass@8 with n = k = 8 is "any sample correct": questions "7" and "3" → 2/3
    assertThat(result.passAtK()).isCloseTo(2.0 / 3, EXACT);
    // maj@8: question "7" ties 4:4 and a tie goes to the smaller answer text, 3 (wrong);
    // question "3" votes 3 (5:3) → 1/3
    assertThat(result.majAtK()).isCloseTo(1.0 / 3, EXACT);
    assertThat(result.formatRate()).isEqualTo(1.0);
  }

  @Test
  void gpqaLetterAnswersAreScoredAsPlainOrTextLetters() throws Exception {
    Path model =
        BigramModels.write(dir.resolve("letters"), BigramModels.answering("C", "\\text{(C)}"));
    List<PromptRecord> prompts = questions("C", "B");
    List<Evaluator.ScoredSample> scored = sampleAndScore(model, "gpqa", prompts, 4);

    assertThat(scored)
        .filteredOn(s -> s.promptId().equals(prompts.get(0).promptId()))
        .extracting(Evaluator.ScoredSample::answer)
        .as("this seed samples both forms for gold C")
        .contains("C", "\\text{(C)}");
    assertThat(scored)
        .allSatisfy(
            s ->
                assertThat(s.correct())
                    .as("%s answered %s", s.promptId(), s.answer())
                    .isEqualTo(s.promptId().equals(prompts.get(0).promptId())));
    Evaluator.Result result = Evaluator.summarize("gpqa", 4, scored);
    assertThat(result.avgAtK()).isCloseTo(0.5, EXACT);
    assertThat(result.passAtK()).isCloseTo(0.5, EXACT);
    assertThat(result.majAtK()).isCloseTo(0.5, EXACT);
  }
}
