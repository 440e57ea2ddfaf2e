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

/**
 * avg@k, pass@k and maj@k of a model on a benchmark: k samples per question with the rollout
 * engine ({@link ScoredSampling}: the iteration's own generation and scoring code, so evaluation
 * and training agree), then {@link SampleMetrics} over the per-sample outcomes.
 */
public final class Evaluator {
  private Evaluator() {}

  /** One benchmark's figures. */
  public record Result(String benchmark, long questions, int samples, double avgAtK,
      double passAtK, double majAtK, double formatRate) {

    public Map<String, Double> figures() {
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("questions", (double) questions);
      figures.put("samples", (double) samples);
      figures.put("avg_at_k", avgAtK);
      figures.put("pass_at_k", passAtK);
      figures.put("maj_at_k", majAtK);
      figures.put("format_rate", formatRate);
      return figures;
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
  public record ScoredSample(String promptId, int sampleIndex, int promptTokens, String answer,
      boolean correct, boolean wellFormed) {}

  /**
   * The seed of a benchmark's sampling decisions: the t-th token of sample j of question q is drawn
   * with {@code SampleRandom.uniform(samplingSeed(seed, benchmark), q, j, t)}.
   */
  public static long samplingSeed(long seed, String benchmark) {
    return Seeds.mix(seed, "evaluate", benchmark);
  }

  /** avg@k, pass@k, maj@k and format rate: {@link #sampleAndScore}, then {@link #summarize}. */
  public static Result evaluate(SparkSession spark, String model, String benchmark,
      List<PromptRecord> prompts, ScoredSampling.Settings settings, PrintStream console) {
    return summarize(benchmark, settings.samples(),
        sampleAndScore(spark, model, benchmark, prompts, settings, console));
  }

  /** k responses per question from the rollout engine, each scored by the reward UDFs. */
  public static List<ScoredSample> sampleAndScore(SparkSession spark, String model, String benchmark,
      List<PromptRecord> prompts, ScoredSampling.Settings settings, PrintStream console) {
    return ScoredSampling.scored(spark, model, prompts, settings,
        samplingSeed(settings.seed(), benchmark), "evaluate " + benchmark, console,
        rows -> rows.select(col("prompt_id"), col("sample_index"), size(col("prompt_token_ids")),
                col("extracted_answer"), col("reward"), col("format_ok"))
            .collectAsList().stream()
            .map(r -> new ScoredSample(r.getString(0), r.getInt(1), r.getInt(2),
                r.isNullAt(3) ? null : r.getString(3),
                !r.isNullAt(4) && ScoredSampling.correct(r.getFloat(4)), isTrue(r, 5)))
            .toList());
  }

  private static boolean isTrue(Row row, int i) {
    return !row.isNullAt(i) && row.getBoolean(i);
  }

  /** The figures of a benchmark's scored responses, grouped by question. */
  public static Result summarize(String benchmark, int samples, List<ScoredSample> scored) {
    Map<String, List<SampleMetrics.Outcome>> byQuestion = new LinkedHashMap<>();
    long wellFormed = 0;
    for (ScoredSample sample : scored) {
      byQuestion.computeIfAbsent(sample.promptId(), id -> new ArrayList<>())
          .add(new SampleMetrics.Outcome(sample.answer(), sample.correct()));
      wellFormed += sample.wellFormed() ? 1 : 0;
    }
    List<List<SampleMetrics.Outcome>> outcomes = new ArrayList<>(byQuestion.values());
    return new Result(benchmark, outcomes.size(), samples,
        SampleMetrics.avgAtK(outcomes), SampleMetrics.passAtK(outcomes, samples),
        SampleMetrics.majAtK(outcomes),
        scored.isEmpty() ? Double.NaN : (double) wellFormed / scored.size());
  }
}
