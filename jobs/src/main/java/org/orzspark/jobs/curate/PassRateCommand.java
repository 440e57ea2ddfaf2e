package org.orzspark.jobs.curate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.datasets.curate.PassRateBand;
import org.orzspark.evaluation.ScoredSampling;
import org.orzspark.evaluation.passrate.PassRateEngine;
import org.orzspark.jobs.SparkJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz curate pass-rate}: parses the options into {@link PassRateEngine.Settings}, runs
 * {@link PassRateEngine} (which documents the output folder) and prints its summary.
 */
@Command(
    name = "pass-rate",
    mixinStandardHelpOptions = true,
    description =
        "Sample a model k times per prompt, store each prompt's pass rate, keep those with"
            + " min < pass_rate <= max.")
public final class PassRateCommand implements Callable<Integer> {

  @Mixin CurationPaths paths = new CurationPaths();

  @Option(
      names = "--model",
      required = true,
      description = "Hugging Face-layout model folder to sample (a base model or a checkpoint).")
  Path model;

  @Option(
      names = "--samples",
      defaultValue = "8",
      description = "Samples per prompt, k (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(
      names = "--min",
      defaultValue = "0.0",
      description =
          "Remove prompts with pass_rate <= min (default: ${DEFAULT-VALUE}: never solved).")
  double min;

  @Option(
      names = "--max",
      defaultValue = "0.8",
      description = "Remove prompts with pass_rate > max (default: ${DEFAULT-VALUE}).")
  double max;

  @Option(
      names = "--hard-below",
      description =
          "Also write DIR/_hard/: the kept prompts with fewer than this many of the k samples"
              + " correct (the paper: 4 of 64). It is a subset of the kept prompts, so --min still"
              + " excludes unsolved ones; the kept output is unchanged (default: none).")
  Integer hardBelow;

  @Option(
      names = "--partitions",
      defaultValue = "16",
      description =
          "Units of generation and of resumption: prompts are split by a hash of prompt_id; a"
              + " rerun skips complete ones (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--temperature",
      defaultValue = "1.0",
      description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-p",
      defaultValue = "1.0",
      description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "1024",
      description =
          "Response length limit; a cut-off response scores 0 (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--template",
      defaultValue = "paper",
      description = "Prompt template: paper or reference (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(
      names = "--batch-sequences",
      defaultValue = "64",
      description = "Sequences a rollout task decodes together (default: ${DEFAULT-VALUE}).")
  int batchSequences;

  @Option(
      names = "--gpus-per-task",
      defaultValue = "0",
      description =
          "GPUs each generation task requests on a cluster; never in local mode (default:"
              + " ${DEFAULT-VALUE}).")
  double gpusPerTask;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--overwrite",
      defaultValue = "false",
      description =
          "Redo a complete output; its complete partitions are reused when the generation settings"
              + " match, so only --min, --max, --hard-below change. Only a folder orz wrote (with"
              + " _SUCCESS, or nothing but _partitions/) or an empty one is ever replaced; any other"
              + " is refused, exit status 2 (default: ${DEFAULT-VALUE}).")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    PassRateEngine.Settings settings = settings();
    return SparkJob.printSummary(
        "orz curate pass-rate",
        spark -> PassRateEngine.run(spark, settings, System.err).describe());
  }

  private PromptTemplate.Variant template() {
    try {
      return PromptTemplate.Variant.parse(template);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown --template " + template + "; valid: paper, reference");
    }
  }

  /** The options as the engine's settings; invalid combinations throw here, before Spark. */
  PassRateEngine.Settings settings() {
    return new PassRateEngine.Settings(
        paths.input,
        paths.output,
        model,
        new ScoredSampling.Settings(
            samples,
            temperature,
            topP,
            maxNewTokens,
            template(),
            batchSequences,
            seed,
            gpusPerTask),
        new PassRateBand(min, max, hardBelow == null ? 0 : hardBelow),
        partitions,
        overwrite);
  }
}
