package org.orzspark.jobs;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.orzspark.model.Qwen2Config;
import org.orzspark.pretrain.BasePretrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz pretrain-base}: makes the embedded tiny base model (tokenizer + Qwen2 weights) from
 * synthetic problems with worked solutions, deterministically from {@code --seed}, and reports its
 * held-out accuracy and format rate. Needs no Spark.
 */
@Command(
    name = "pretrain-base",
    mixinStandardHelpOptions = true,
    description =
        "Pre-train the embedded tiny base model on synthetic worked solutions (some flawed)"
            + " and write it as a Hugging Face directory.")
public final class PretrainBaseCommand implements Callable<Integer> {

  @Option(names = "--output", required = true, description = "New directory for the model.")
  Path output;

  @Option(
      names = "--config",
      description = "Model size: tiny (~1M) or small (~10M). Default: " + "${DEFAULT-VALUE}.")
  String config = "tiny";

  @Option(
      names = "--seed",
      description =
          "Seed of data, tokenizer, weights and sampling. Default: " + "${DEFAULT-VALUE}.")
  long seed = 42;

  @Option(
      names = "--families",
      split = ",",
      description = "Synthetic task families. Default: " + "${DEFAULT-VALUE}.")
  List<String> families = List.of("arithmetic", "linear", "comparison");

  @Option(
      names = "--min-difficulty",
      description = "Lowest synthetic difficulty (1..3). Default: " + "${DEFAULT-VALUE}.")
  int minDifficulty = 1;

  @Option(
      names = "--max-difficulty",
      description = "Highest synthetic difficulty (1..3). Default: " + "${DEFAULT-VALUE}.")
  int maxDifficulty = 2;

  @Option(
      names = "--train-problems",
      description = "Problems in the corpus. Default: " + "${DEFAULT-VALUE}.")
  int trainProblems = 40_000;

  @Option(
      names = "--held-out-problems",
      description = "Held-out problems evaluated at the end. " + "Default: ${DEFAULT-VALUE}.")
  int heldOutProblems = 500;

  @Option(
      names = "--corrupted-share",
      description =
          "Share of worked solutions written with a flaw (answer off, wrong intermediate, broken"
              + " tag, unformatted). Default: ${DEFAULT-VALUE}.")
  double corruptedShare = 0.45;

  @Option(
      names = "--vocab-size",
      description =
          "Tokenizer vocabulary (bytes, merges, added tokens)." + " Default: ${DEFAULT-VALUE}.")
  int vocabSize = 1024;

  @Option(
      names = "--tokenizer-texts",
      description = "Corpus texts the tokenizer is trained on. " + "Default: ${DEFAULT-VALUE}.")
  int tokenizerTexts = 5000;

  @Option(names = "--steps", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
  int steps = 1000;

  @Option(names = "--batch-size", description = "Sequences per step. Default: ${DEFAULT-VALUE}.")
  int batchSize = 32;

  @Option(
      names = "--learning-rate",
      description = "Peak Adam learning rate. Default: " + "${DEFAULT-VALUE}.")
  double learningRate = 2e-3;

  @Option(
      names = "--warmup-steps",
      description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
  int warmupSteps = 100;

  @Option(
      names = "--final-lr-fraction",
      description = "Cosine decay target relative to the peak. " + "Default: ${DEFAULT-VALUE}.")
  double finalLearningRateFraction = 0.1;

  @Option(
      names = "--max-grad-norm",
      description = "Global gradient-norm clip. Default: " + "${DEFAULT-VALUE}.")
  double maxGradNorm = 1.0;

  @Option(
      names = "--eval-max-new-tokens",
      description =
          "Response length limit of the held-out " + "evaluation. Default: ${DEFAULT-VALUE}.")
  int evalMaxNewTokens = 96;

  @Option(
      names = "--log-every",
      description = "Steps between progress lines. Default: " + "${DEFAULT-VALUE}.")
  int logEvery = 50;

  @Option(
      names = "--threads",
      description =
          "PyTorch intra-op threads (0: leave as configured, "
              + "e.g. by OMP_NUM_THREADS). Default: ${DEFAULT-VALUE}.")
  int threads = 0;

  @Override
  public Integer call() throws IOException {
    BasePretrainer.Result result = run(System.out);
    System.out.printf(
        "wrote %s: %,d parameters, vocabulary %d, final loss %.4f, %.0f s (training %.0f s at %,.0f"
            + " tok/s)%n",
        result.output(),
        result.parameters(),
        result.vocabSize(),
        result.finalLoss(),
        result.wallSeconds(),
        result.trainSeconds(),
        result.trainTokensPerSecond());
    return 0;
  }

  /** Runs the pre-training with the parsed options, printing progress to {@code console}. */
  public BasePretrainer.Result run(PrintStream console) throws IOException {
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    return BasePretrainer.run(options(), output, console);
  }

  BasePretrainer.Options options() {
    return new BasePretrainer.Options(
        Qwen2Config.named(config),
        seed,
        families,
        minDifficulty,
        maxDifficulty,
        trainProblems,
        heldOutProblems,
        corruptedShare,
        vocabSize,
        tokenizerTexts,
        steps,
        batchSize,
        learningRate,
        warmupSteps,
        finalLearningRateFraction,
        maxGradNorm,
        evalMaxNewTokens,
        logEvery);
  }
}
