package org.orzspark.evaluation;

import java.io.PrintStream;
import java.nio.file.Path;
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

  public static Result evaluate(SparkSession spark, Path model, String benchmark,
      List<PromptRecord> prompts, ScoredSampling.Settings settings, PrintStream console) {
    List<Row> scored = ScoredSampling.scored(spark, model, prompts, settings,
        Seeds.mix(settings.seed(), "evaluate", benchmark), "evaluate " + benchmark, console,
        rows -> rows.select("prompt_id", "extracted_answer", "reward", "format_ok")
            .collectAsList());
    Map<String, List<SampleMetrics.Outcome>> byQuestion = new LinkedHashMap<>();
    long wellFormed = 0;
    for (Row row : scored) {
      byQuestion.computeIfAbsent(row.getString(0), id -> new ArrayList<>())
          .add(new SampleMetrics.Outcome(row.isNullAt(1) ? null : row.getString(1),
              ScoredSampling.correct(row.getFloat(2))));
      wellFormed += row.getBoolean(3) ? 1 : 0;
    }
    List<List<SampleMetrics.Outcome>> outcomes = new ArrayList<>(byQuestion.values());
    return new Result(benchmark, outcomes.size(), settings.samples(),
        SampleMetrics.avgAtK(outcomes), SampleMetrics.passAtK(outcomes, settings.samples()),
        SampleMetrics.majAtK(outcomes), scored.isEmpty() ? Double.NaN : (double) wellFormed / scored.size());
  }
}
