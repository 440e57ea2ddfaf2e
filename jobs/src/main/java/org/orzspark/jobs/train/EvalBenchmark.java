package org.orzspark.jobs.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The benchmarks the Open-Reasoner-Zero paper reports, by the names {@code orz evaluate
 * --benchmark} takes, each mapped to the file the repository ships in {@code datasets/data/eval/}
 * (sources in that folder's README). A benchmark's name is also its results' partition, {@code
 * R/eval/checkpoint=N/benchmark=NAME/}.
 */
public enum EvalBenchmark {
  AIME2024("aime2024", "aime2024.json"),
  AIME2025("aime2025", "aime2025.jsonl"),
  MATH500("math500", "math500.json"),
  GPQA_DIAMOND("gpqa-diamond", "gpqa_diamond.json");

  /** The folder of the vendored files, relative to the checkout ({@code ORZ_HOME}). */
  public static final String FOLDER = "datasets/data/eval";

  private final String benchmarkName;
  private final String fileName;

  EvalBenchmark(String benchmarkName, String fileName) {
    this.benchmarkName = benchmarkName;
    this.fileName = fileName;
  }

  /** The name users type and results are stored under, e.g. {@code gpqa-diamond}. */
  public String benchmarkName() {
    return benchmarkName;
  }

  /** The vendored file's name in {@link #FOLDER}, e.g. {@code gpqa_diamond.json}. */
  public String fileName() {
    return fileName;
  }

  /** This benchmark's file in {@code folder}, which must hold it. */
  public Path file(Path folder) {
    Path file = folder.resolve(fileName);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "benchmark "
              + benchmarkName
              + ": "
              + file
              + ": no such file (run through jobs/bin/orz, which sets ORZ_HOME to the checkout, or give --benchmark-dir)");
    }
    return file;
  }

  /** The benchmark called {@code name}; an unknown name is refused with the valid ones. */
  public static EvalBenchmark named(String name) {
    for (EvalBenchmark benchmark : values()) {
      if (benchmark.benchmarkName.equals(name)) {
        return benchmark;
      }
    }
    throw new IllegalArgumentException("unknown benchmark '" + name + "'; valid: " + validNames());
  }

  /** {@code aime2024, aime2025, math500, gpqa-diamond}. */
  public static String validNames() {
    return Arrays.stream(values())
        .map(EvalBenchmark::benchmarkName)
        .collect(Collectors.joining(", "));
  }
}
