package org.orzspark.jobs;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.synth.SyntheticFamily;
import org.orzspark.datasets.synth.SyntheticTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz synth}: generates synthetic reasoning prompts ({@link SyntheticTasks}) and writes them
 * as a prompt table (Parquet, {@link PromptSchema}), atomically with {@code _SUCCESS} last: the
 * first {@code count} distinct problems of the seed's stream ({@link
 * SyntheticTasks#generateDistinct}), so prompt ids are unique. Same families, count, seed and
 * difficulty give the same table.
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = "Generate synthetic reasoning prompts with exactly verifiable answers.")
public final class SynthCommand implements Callable<Integer> {

  private static final Pattern DIFFICULTY = Pattern.compile("(\\d)\\s*(?:-\\s*(\\d))?");

  @Option(
      names = "--families",
      split = ",",
      defaultValue = "arithmetic,linear,modular,fractions,counting,comparison",
      description = "Task families, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> families;

  @Option(
      names = "--count",
      defaultValue = "1000",
      description = "Number of prompts (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--difficulty",
      defaultValue = "1-3",
      description =
          "Difficulty level or range within 1-3, e.g. 2 or 1-2 (default: ${DEFAULT-VALUE}).")
  String difficulty;

  @Option(names = "--output", required = true, description = "Output folder (any Hadoop path).")
  String output;

  @Option(
      names = "--exclude",
      description =
          "A prompt table whose prompts must not appear (e.g. a training set, to make a disjoint"
              + " held-out set) (default: none).")
  String exclude;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  /**
   * @param output the output folder, qualified
   * @param written prompts written
   * @param byFamily prompts per family id
   */
  public record Result(String output, long written, Map<String, Long> byFamily) {
    public String describe() {
      return "synth: wrote " + written + " prompts " + byFamily + " -> " + output;
    }
  }

  @Override
  public Integer call() throws IOException {
    int[] range = parseDifficulty(difficulty);
    return SparkJob.printSummary(
        "orz synth",
        spark -> {
          Set<String> excluded =
              exclude == null
                  ? Set.of()
                  : new HashSet<>(
                      spark
                          .read()
                          .parquet(exclude)
                          .select(PromptSchema.PROMPT_ID)
                          .as(org.apache.spark.sql.Encoders.STRING())
                          .collectAsList());
          return run(
                  spark,
                  families,
                  count,
                  seed,
                  range[0],
                  range[1],
                  output,
                  overwrite.requested(),
                  excluded)
              .describe();
        });
  }

  public static Result run(
      SparkSession spark,
      List<String> families,
      int count,
      long seed,
      int minDifficulty,
      int maxDifficulty,
      String output,
      boolean overwrite)
      throws IOException {
    return run(
        spark, families, count, seed, minDifficulty, maxDifficulty, output, overwrite, Set.of());
  }

  /** As above, skipping the prompts whose id is in {@code excluded}. */
  public static Result run(
      SparkSession spark,
      List<String> families,
      int count,
      long seed,
      int minDifficulty,
      int maxDifficulty,
      String output,
      boolean overwrite,
      Set<String> excluded)
      throws IOException {
    List<PromptRecord> records =
        SyntheticTasks.generateDistinct(
                families, count + excluded.size(), seed, minDifficulty, maxDifficulty)
            .stream()
            .map(SyntheticTasks::fromProblem)
            .filter(r -> !excluded.contains(r.promptId()))
            .limit(count)
            .toList();
    Map<String, Long> byFamily = new TreeMap<>();
    records.forEach(r -> byFamily.merge(r.metadata().get("family"), 1L, Long::sum));
    try (AtomicOutput out =
        AtomicOutput.begin(spark.sparkContext().hadoopConfiguration(), output, overwrite)) {
      out.writeParquet(PromptSchema.toDataFrame(spark, records), "");
      out.commit();
      return new Result(out.target(), records.size(), byFamily);
    }
  }

  /** {@code "2"} → [2, 2]; {@code "1-3"} → [1, 3]. */
  static int[] parseDifficulty(String text) {
    Matcher m = DIFFICULTY.matcher(text.trim());
    if (m.matches()) {
      int low = Integer.parseInt(m.group(1));
      int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
      if (low >= SyntheticFamily.MIN_DIFFICULTY
          && high <= SyntheticFamily.MAX_DIFFICULTY
          && low <= high) {
        return new int[] {low, high};
      }
    }
    throw new IllegalArgumentException(
        "--difficulty must be a level or a range within 1-3, e.g. 2 or 1-2: '" + text + "'");
  }
}
