package org.orzspark.jobs.curate;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.curate.CurationSummary;
import org.orzspark.datasets.curate.filter.FilterRules;
import org.orzspark.datasets.curate.filter.PromptFilter;
import org.orzspark.datasets.curate.filter.PromptRule;
import org.orzspark.datasets.curate.filter.TokenCounter;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.PromptTable;
import org.orzspark.jobs.OverwriteOption;
import org.orzspark.jobs.SparkJob;
import org.orzspark.model.TokenizerTokenCounter;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz curate filter}: drops prompts a binary answer reward cannot train on ({@link
 * FilterRules}); each removed prompt gets the first matching rule as its reason.
 *
 * <pre>
 * DIR/part-*.parquet   kept prompts (PromptSchema)
 * DIR/_removed/        removed prompts: the whole row + reason
 * DIR/_summary.json    rows in, kept, removed by reason
 * DIR/_SUCCESS
 * </pre>
 */
@Command(
    name = "filter",
    mixinStandardHelpOptions = true,
    description = "Remove multiple-choice, proof, non-English, unverifiable and over-long prompts.")
public final class FilterCommand implements Callable<Integer> {

  @Mixin CurationPaths paths = new CurationPaths();

  @Option(
      names = "--drop",
      split = ",",
      defaultValue = "multiple-choice,proof,non-english,unverifiable",
      description =
          "Rules, in the order they are tried: multiple-choice, proof, non-english, unverifiable,"
              + " too-long (default: ${DEFAULT-VALUE}).")
  List<String> drop;

  @Option(
      names = "--tokenizer",
      description =
          "Directory with tokenizer.json, for too-long (default: none; too-long needs it).")
  String tokenizer;

  @Option(
      names = "--max-tokens",
      defaultValue = "2048",
      description = "too-long: most tokens of the templated prompt (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  /**
   * @param output the output folder, qualified
   * @param rowsIn prompts read
   * @param kept prompts kept
   * @param removedByReason per rule code, every requested rule listed
   * @param wallMillis wall time of the run
   */
  public record Result(
      String output, long rowsIn, long kept, Map<String, Long> removedByReason, long wallMillis) {
    public String describe() {
      return String.format(
          "filter: rows in %d, kept %d, removed %s in %.1f s -> %s",
          rowsIn, kept, removedByReason, wallMillis / 1000.0, output);
    }
  }

  @Override
  public Integer call() throws IOException {
    Optional<TokenCounter> counter = Optional.ofNullable(tokenizer).map(TokenizerTokenCounter::new);
    counter.ifPresent(c -> c.count("check that the tokenizer loads"));
    List<PromptRule> rules = FilterRules.of(drop, counter, maxTokens);
    return SparkJob.printSummary(
        "orz curate filter",
        spark -> run(spark, paths.input, paths.output, rules, overwrite.requested()).describe());
  }

  public static Result run(
      SparkSession spark, String input, String output, List<PromptRule> rules, boolean overwrite)
      throws IOException {
    Stopwatch clock = Stopwatch.start();
    spark.sparkContext().setJobGroup("curate filter", "orz curate filter: " + input, false);
    try (AtomicOutput out =
        AtomicOutput.begin(spark.sparkContext().hadoopConfiguration(), output, overwrite)) {
      PromptFilter.Outcome outcome = PromptFilter.apply(PromptTable.read(spark, input), rules);
      out.writeParquet(outcome.kept(), "");
      out.writeParquet(outcome.removed(), CurationSummary.REMOVED_FOLDER);
      long removed = outcome.removedByReason().values().stream().mapToLong(Long::longValue).sum();
      Result result =
          new Result(
              out.target(),
              outcome.rowsIn(),
              outcome.rowsIn() - removed,
              outcome.removedByReason(),
              clock.millis());
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("input", input);
      summary.put("output", result.output());
      summary.put("rows_in", result.rowsIn());
      summary.put("kept", result.kept());
      summary.put("removed_by_reason", result.removedByReason());
      summary.put("rules", rules.stream().map(PromptRule::code).toList());
      summary.put("wall_ms", result.wallMillis());
      out.writeText(CurationSummary.FILE, CurationSummary.json(summary));
      out.commit();
      return result;
    }
  }
}
