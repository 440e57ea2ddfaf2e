package org.orzspark.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.random.Seeds;
import org.orzspark.run.EvalTable;
import org.orzspark.run.RolloutTable;

/**
 * avg@k, pass@k and maj@k of a model on a benchmark: k samples per question with the rollout engine
 * ({@link ScoredSampling}: the iteration's own generation and scoring code, so evaluation and
 * training agree), then {@link SampleMetrics} over the per-sample outcomes.
 */
public final class Evaluator {
  private Evaluator() {}

  /** One benchmark's figures. */
  public record Result(
      String benchmark,
      long questions,
      int samples,
      double avgAtK,
      double passAtK,
      double majAtK,
      double formatRate) {

    /** The row of {@link EvalTable}. */
    public Map<String, Double> figures() {
      return EvalTable.figures(questions, samples, avgAtK, passAtK, majAtK, formatRate);
    }
  }

  /**
   * One scored response.
   *
   * @param promptId the question
   * @param sampleIndex which of the question's k samples
   * @param promptTokens length of the templated, tokenized prompt
   * @param answer the extracted answer, or null when there is none
   * @param correct the reward judged it correct
   * @param wellFormed it follows the ORZ format
   */
  public record ScoredSample(
      String promptId,
      int sampleIndex,
      int promptTokens,
      String answer,
      boolean correct,
      boolean wellFormed) {}

  /**
   * The seed of a benchmark's sampling decisions: the t-th token of sample j of question q is drawn
   * with {@code SampleRandom.uniform(samplingSeed(seed, benchmark), q, j, t)}.
   */
  public static long samplingSeed(long seed, String benchmark) {
    return Seeds.mix(seed, "evaluate", benchmark);
  }

  /** avg@k, pass@k, maj@k and format rate: {@link #sampleAndScore}, then {@link #summarize}. */
  public static Result evaluate(
      SparkSession spark,
      String model,
      String benchmark,
      List<PromptRecord> prompts,
      ScoredSampling.Settings settings,
      PrintStream console) {
    return summarize(
        benchmark,
        settings.samples(),
        sampleAndScore(spark, model, benchmark, prompts, settings, console));
  }

  /** k responses per question from the rollout engine, each scored by the reward UDFs. */
  public static List<ScoredSample> sampleAndScore(
      SparkSession spark,
      String model,
      String benchmark,
      List<PromptRecord> prompts,
      ScoredSampling.Settings settings,
      PrintStream console) {
    return ScoredSampling.scored(
        spark,
        model,
        prompts,
        settings,
        samplingSeed(settings.seed(), benchmark),
        "evaluate " + benchmark,
        console,
        rows ->
            rows
                .select(
                    col(RolloutTable.PROMPT_ID),
                    col(RolloutTable.SAMPLE_INDEX),
                    size(col(RolloutTable.PROMPT_TOKEN_IDS)).as(RolloutTable.PROMPT_TOKEN_IDS),
                    col(RolloutTable.EXTRACTED_ANSWER),
                    col(RolloutTable.REWARD),
                    col(RolloutTable.FORMAT_OK))
                .collectAsList()
                .stream()
                .map(Evaluator::scoredSample)
                .toList());
  }

  /** A scored rollout row with the prompt's token ids replaced by their count, read by name. */
  private static ScoredSample scoredSample(Row r) {
    Float reward = r.getAs(RolloutTable.REWARD);
    Boolean formatOk = r.getAs(RolloutTable.FORMAT_OK);
    return new ScoredSample(
        r.getAs(RolloutTable.PROMPT_ID),
        r.<Integer>getAs(RolloutTable.SAMPLE_INDEX),
        r.<Integer>getAs(RolloutTable.PROMPT_TOKEN_IDS),
        r.getAs(RolloutTable.EXTRACTED_ANSWER),
        reward != null && ScoredSampling.correct(reward),
        Boolean.TRUE.equals(formatOk));
  }

  /** The figures of a benchmark's scored responses, grouped by question. */
  public static Result summarize(String benchmark, int samples, List<ScoredSample> scored) {
    Map<String, List<SampleMetrics.Outcome>> byQuestion = new LinkedHashMap<>();
    long wellFormed = 0;
    for (ScoredSample sample : scored) {
      byQuestion
          .computeIfAbsent(sample.promptId(), id -> new ArrayList<>())
          .add(new SampleMetrics.Outcome(sample.answer(), sample.correct()));
      wellFormed += sample.wellFormed() ? 1 : 0;
    }
    List<List<SampleMetrics.Outcome>> outcomes = new ArrayList<>(byQuestion.values());
    return new Result(
        benchmark,
        outcomes.size(),
        samples,
        SampleMetrics.avgAtK(outcomes),
        SampleMetrics.passAtK(outcomes, samples),
        SampleMetrics.majAtK(outcomes),
        scored.isEmpty() ? Double.NaN : (double) wellFormed / scored.size());
  }
}
