package org.orzspark.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.TorchThreads;
import org.orzspark.plan.ModelShapes;
import org.orzspark.pretrain.BasePretrainer;
import org.orzspark.pretrain.BasePretrainer.Options;
import org.orzspark.pretrain.RandomBase;
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
  /** The defaults of every option, from {@link Options#builder}. */
  private static final Options DEFAULTS = Options.DEFAULTS;

  @Option(names = "--output", required = true, description = "New directory for the model.")
  Path output;

  @Option(
      names = "--config",
      description =
          "Model size: tiny (~1M) or small (~10M); with --random-weights also a Qwen2.5 shape"
              + " (qwen2.5-0.5b, qwen2.5-1.5b, qwen2.5-7b, qwen2.5-32b). Default: ${DEFAULT-VALUE}.")
  String config = Options.DEFAULT_ARCHITECTURE;

  @Option(
      names = "--random-weights",
      description =
          "No corpus and no training: write the --config architecture with random weights and the"
              + " --tokenizer's files (a real model's shape for smoke runs). Default: false.")
  boolean randomWeights;

  @Option(
      names = "--tokenizer",
      description =
          "With --random-weights: a folder with a Hugging Face tokenizer.json (e.g."
              + " datasets/data/tokenizers/qwen3, the Qwen tokenizer), its ids padded to the"
              + " architecture's vocabulary. Default: none.")
  Path tokenizer;

  @Option(
      names = "--layers",
      description = "With --random-weights: decoder layers (default: the architecture's).")
  Integer layers;

  @Option(
      names = "--seed",
      description =
          "Seed of data, tokenizer, weights and sampling. Default: " + "${DEFAULT-VALUE}.")
  long seed = DEFAULTS.seed();

  @Option(
      names = "--families",
      split = ",",
      description = "Synthetic task families. Default: " + "${DEFAULT-VALUE}.")
  List<String> families = DEFAULTS.families();

  @Option(
      names = "--min-difficulty",
      description = "Lowest synthetic difficulty (1..3). Default: " + "${DEFAULT-VALUE}.")
  int minDifficulty = DEFAULTS.minDifficulty();

  @Option(
      names = "--max-difficulty",
      description = "Highest synthetic difficulty (1..3). Default: " + "${DEFAULT-VALUE}.")
  int maxDifficulty = DEFAULTS.maxDifficulty();

  @Option(
      names = "--train-problems",
      description = "Problems in the corpus. Default: " + "${DEFAULT-VALUE}.")
  int trainProblems = DEFAULTS.trainProblems();

  @Option(
      names = "--held-out-problems",
      description = "Held-out problems evaluated at the end. " + "Default: ${DEFAULT-VALUE}.")
  int heldOutProblems = DEFAULTS.heldOutProblems();

  @Option(
      names = "--corrupted-share",
      description =
          "Share of worked solutions written with a flaw (answer off, wrong intermediate, broken"
              + " tag, unformatted). Default: ${DEFAULT-VALUE}.")
  double corruptedShare = DEFAULTS.corruptedShare();

  @Option(
      names = "--vocab-size",
      description =
          "Tokenizer vocabulary (bytes, merges, added tokens)." + " Default: ${DEFAULT-VALUE}.")
  int vocabSize = DEFAULTS.vocabSize();

  @Option(
      names = "--tokenizer-texts",
      description = "Corpus texts the tokenizer is trained on. " + "Default: ${DEFAULT-VALUE}.")
  int tokenizerTexts = DEFAULTS.tokenizerTexts();

  @Option(names = "--steps", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
  int steps = DEFAULTS.steps();

  @Option(names = "--batch-size", description = "Sequences per step. Default: ${DEFAULT-VALUE}.")
  int batchSize = DEFAULTS.batchSize();

  @Option(
      names = "--learning-rate",
      description = "Peak Adam learning rate. Default: " + "${DEFAULT-VALUE}.")
  double learningRate = DEFAULTS.learningRate();

  @Option(
      names = "--warmup-steps",
      description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
  int warmupSteps = DEFAULTS.warmupSteps();

  @Option(
      names = "--final-lr-fraction",
      description = "Cosine decay target relative to the peak. " + "Default: ${DEFAULT-VALUE}.")
  double finalLearningRateFraction = DEFAULTS.finalLearningRateFraction();

  @Option(
      names = "--max-grad-norm",
      description = "Global gradient-norm clip. Default: " + "${DEFAULT-VALUE}.")
  double maxGradNorm = DEFAULTS.maxGradNorm();

  @Option(
      names = "--eval-max-new-tokens",
      description =
          "Response length limit of the held-out " + "evaluation. Default: ${DEFAULT-VALUE}.")
  int evalMaxNewTokens = DEFAULTS.evalMaxNewTokens();

  @Option(
      names = "--log-every",
      description = "Steps between progress lines. Default: " + "${DEFAULT-VALUE}.")
  int logEvery = DEFAULTS.logEvery();

  @Option(
      names = "--threads",
      description =
          "PyTorch intra-op threads (0: leave as configured, "
              + "e.g. by OMP_NUM_THREADS). Default: ${DEFAULT-VALUE}.")
  int threads = 0;

  @Override
  public Integer call() throws IOException {
    if (randomWeights) {
      RandomBase.Result random = random();
      System.out.printf(
          "wrote %s: %,d parameters (random), vocabulary %,d (tokenizer %,d ids), %d layers, %.0f"
              + " s%n",
          random.output(),
          random.config().parameterCount(),
          random.config().vocabSize(),
          random.tokenizerIds(),
          random.config().numHiddenLayers(),
          random.seconds());
      return 0;
    }
    if (tokenizer != null || layers != null) {
      throw new IllegalArgumentException("--tokenizer and --layers need --random-weights");
    }
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

  /** Writes the random-weights model of {@code --random-weights}. */
  RandomBase.Result random() throws IOException {
    if (tokenizer == null) {
      throw new IllegalArgumentException("--random-weights needs --tokenizer");
    }
    Qwen2Config shape = ModelShapes.named(config);
    if (layers != null) {
      if (layers < 1) {
        throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
      }
      shape = shape.withLayers(layers);
    }
    return RandomBase.write(shape, tokenizer, seed, output);
  }

  /** Runs the pre-training with the parsed options, printing progress to {@code console}. */
  public BasePretrainer.Result run(PrintStream console) throws IOException {
    if (threads > 0) {
      TorchThreads.set(threads);
    }
    return BasePretrainer.run(options(), output, console);
  }

  BasePretrainer.Options options() {
    return Options.builder()
        .architecture(Qwen2Config.named(config))
        .seed(seed)
        .families(families)
        .minDifficulty(minDifficulty)
        .maxDifficulty(maxDifficulty)
        .trainProblems(trainProblems)
        .heldOutProblems(heldOutProblems)
        .corruptedShare(corruptedShare)
        .vocabSize(vocabSize)
        .tokenizerTexts(tokenizerTexts)
        .steps(steps)
        .batchSize(batchSize)
        .learningRate(learningRate)
        .warmupSteps(warmupSteps)
        .finalLearningRateFraction(finalLearningRateFraction)
        .maxGradNorm(maxGradNorm)
        .evalMaxNewTokens(evalMaxNewTokens)
        .logEvery(logEvery)
        .build();
  }
}
