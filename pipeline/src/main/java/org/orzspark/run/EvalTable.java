package org.orzspark.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code R/eval/checkpoint=N/benchmark=B/}: one row per checkpoint and benchmark, written by {@code
 * orz evaluate} (and its {@code result.json} beside it with the same keys). This class owns its
 * column names; columns are only ever added, never renamed.
 *
 * <ul>
 *   <li>{@value #CHECKPOINT}, {@value #BENCHMARK} (partition folders): the checkpoint's iteration
 *       and the benchmark's name;
 *   <li>{@value #QUESTIONS}, {@value #SAMPLES}: what was evaluated (the {@link #COUNTS});
 *   <li>{@value #AVG_AT_K}, {@value #PASS_AT_K}, {@value #MAJ_AT_K}: mean accuracy over the k
 *       samples, the unbiased pass@k and majority-vote accuracy;
 *   <li>{@value #FORMAT_RATE}: share of well-formed responses.
 * </ul>
 */
public final class EvalTable {
  public static final String CHECKPOINT = "checkpoint";
  public static final String BENCHMARK = "benchmark";
  public static final String QUESTIONS = "questions";
  public static final String SAMPLES = "samples";
  public static final String AVG_AT_K = "avg_at_k";
  public static final String PASS_AT_K = "pass_at_k";
  public static final String MAJ_AT_K = "maj_at_k";
  public static final String FORMAT_RATE = "format_rate";

  /** Counts of what was evaluated (questions, samples per question): shown, not charted. */
  public static final List<String> COUNTS = List.of(QUESTIONS, SAMPLES);

  private EvalTable() {}

  /** The partition folder of a checkpoint: {@code checkpoint=N}. */
  public static String checkpointFolder(int checkpoint) {
    return CHECKPOINT + "=" + checkpoint;
  }

  /** The partition folder of a benchmark: {@code benchmark=B}. */
  public static String benchmarkFolder(String benchmark) {
    return BENCHMARK + "=" + benchmark;
  }

  /** One benchmark's figures as the table's columns, in table order. */
  public static Map<String, Double> figures(
      long questions,
      int samples,
      double avgAtK,
      double passAtK,
      double majAtK,
      double formatRate) {
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put(QUESTIONS, (double) questions);
    figures.put(SAMPLES, (double) samples);
    figures.put(AVG_AT_K, avgAtK);
    figures.put(PASS_AT_K, passAtK);
    figures.put(MAJ_AT_K, majAtK);
    figures.put(FORMAT_RATE, formatRate);
    return figures;
  }
}
