package org.orzspark.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.read.InputFormat;
import org.orzspark.datasets.read.ParsedPrompt;
import org.orzspark.datasets.read.PromptFiles;
import org.orzspark.datasets.read.ReadResult;
import org.orzspark.model.BigramModels;
import org.orzspark.testing.RepoData;
import org.orzspark.testing.SharedSpark;

/**
 * The evaluation mechanics on every question of the real benchmarks in {@code datasets/data/eval/}
 * (accuracy is not the point: the bigram model answers 7 to everything): each question is loaded,
 * prompted with the template and sampled k times, and every sample is scored.
 */
class RealEvalFilesEvaluationTest {
  private static final int SAMPLES = 2;

  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void writeModel() throws Exception {
    model = BigramModels.write(dir.resolve("sevens"), BigramModels.answering("7"));
  }

  @ParameterizedTest
  @CsvSource({
    "aime2024.json, 30",
    "aime2025.jsonl, 30",
    "math500.json, 500",
    "gpqa_diamond.json, 198"
  })
  void everyQuestionIsLoadedPromptedAndScored(String file, int questions) throws Exception {
    ReadResult read =
        PromptFiles.read(
            SharedSpark.session(), RepoData.resolve("eval/" + file).toString(), InputFormat.AUTO);
    List<PromptRecord> prompts = read.parsed().stream().map(ParsedPrompt::record).toList();
    assertThat(prompts).as("questions loaded").hasSize(questions);
    assertThat(prompts.stream().map(PromptRecord::promptId).distinct()).hasSize(questions);

    // Responses are 4 tokens (</think> <answer> \boxed{7} </answer>); prompts are split in small
    // batches because the longest GPQA prompt has thousands of byte tokens.
    ScoredSampling.Settings settings =
        new ScoredSampling.Settings(
            SAMPLES, 1.0, 1.0, 4, org.orzspark.datasets.PromptTemplate.Variant.PAPER, 4, 42, 0);
    List<Evaluator.ScoredSample> scored =
        Evaluator.sampleAndScore(
            SharedSpark.session(),
            model.toString(),
            file,
            prompts,
            settings,
            new PrintStream(PrintStream.nullOutputStream()));

    assertThat(scored).as("scored responses").hasSize(questions * SAMPLES);
    Map<String, Set<Integer>> samplesByQuestion =
        scored.stream()
            .collect(
                Collectors.groupingBy(
                    Evaluator.ScoredSample::promptId,
                    Collectors.mapping(Evaluator.ScoredSample::sampleIndex, Collectors.toSet())));
    assertThat(samplesByQuestion.keySet())
        .as("no question lost")
        .containsExactlyInAnyOrderElementsOf(prompts.stream().map(PromptRecord::promptId).toList());
    assertThat(samplesByQuestion.values())
        .allSatisfy(
            s ->
                assertThat(s)
                    .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, SAMPLES).boxed().toList()));
    // Prompted: a tokenized template, whose final <think> the model answers in the format.
    assertThat(scored)
        .allSatisfy(
            s -> {
              assertThat(s.promptTokens()).isGreaterThan(100);
              assertThat(s.answer()).isEqualTo("7");
              assertThat(s.wellFormed()).isTrue();
            });
    Evaluator.Result result = Evaluator.summarize(file, SAMPLES, scored);
    assertThat(result.questions()).isEqualTo(questions);
    assertThat(result.formatRate()).isEqualTo(1.0);
  }
}
