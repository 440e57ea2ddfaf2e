package org.orzspark.pretrain;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.synth.SyntheticProblem;
import org.orzspark.datasets.synth.SyntheticTasks;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.Tokenizers;
import org.orzspark.random.Seeds;
import org.orzspark.timing.Stopwatch;
import org.orzspark.tokenizer.BpeTrainer;
import org.orzspark.tokenizer.BpeVocabulary;
import org.orzspark.tokenizer.SpecialTokens;
import org.orzspark.tokenizer.TokenizerFiles;

/**
 * Makes the embedded base model ({@code orz pretrain-base}), deterministically from a seed:
 *
 * <ol>
 *   <li>synthetic problems → the pre-training corpus ({@link PretrainCorpus}: template prompt +
 *       worked solution, a share deliberately flawed); held-out problems whose questions the corpus
 *       does not contain;
 *   <li>a byte-level BPE tokenizer trained on the corpus ({@link BpeTrainer});
 *   <li>a randomly initialised Qwen2 model of a named size, trained on the completions ({@link
 *       CompletionTrainer}) with console progress;
 *   <li>held-out accuracy and format rate, sampled at temperature 1 and greedy ({@link
 *       HeldOutEvaluator});
 *   <li>a Hugging Face-layout directory (config, safetensors, tokenizer, generation config, {@code
 *       pretrain_report.json}, {@code _SUCCESS}) moved into place in one rename.
 * </ol>
 */
public final class BasePretrainer {

  public static final String REPORT_FILE = "pretrain_report.json";
  public static final String GENERATION_CONFIG_FILE = "generation_config.json";

  private static final long HELD_OUT_STREAM = 1;
  private static final long CORPUS_STREAM = 2;
  private static final long ORDER_STREAM = 3;
  private static final long INIT_STREAM = 4;
  private static final long SAMPLING_STREAM = 5;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Every size and setting of a run.
   *
   * @param architecture model shape (e.g. {@link Qwen2Config#named}); its vocabulary size and
   *     special token ids are replaced by the trained tokenizer's
   * @param seed the one seed every random choice derives from
   * @param families synthetic task families of the corpus and of the held-out set
   * @param minDifficulty lowest synthetic difficulty (1..3)
   * @param maxDifficulty highest synthetic difficulty (1..3)
   * @param trainProblems problems in the corpus (the training steps cycle through them)
   * @param heldOutProblems held-out problems for the evaluation
   * @param corruptedShare share of the corpus written with a flawed solution
   * @param vocabSize tokenizer vocabulary including bytes and added tokens
   * @param tokenizerTexts corpus texts the tokenizer is trained on
   * @param steps optimizer steps
   * @param batchSize sequences per step
   * @param learningRate peak Adam learning rate
   * @param warmupSteps linear warm-up steps
   * @param finalLearningRateFraction cosine decay target relative to the peak
   * @param maxGradNorm global gradient-norm clip
   * @param evalMaxNewTokens response length limit of the evaluation
   * @param logEvery steps between progress lines
   */
  public record Options(
      Qwen2Config architecture,
      long seed,
      List<String> families,
      int minDifficulty,
      int maxDifficulty,
      int trainProblems,
      int heldOutProblems,
      double corruptedShare,
      int vocabSize,
      int tokenizerTexts,
      int steps,
      int batchSize,
      double learningRate,
      int warmupSteps,
      double finalLearningRateFraction,
      double maxGradNorm,
      int evalMaxNewTokens,
      int logEvery) {

    public Options {
      families = List.copyOf(families);
      positive("trainProblems", trainProblems);
      positive("heldOutProblems", heldOutProblems);
      positive("tokenizerTexts", tokenizerTexts);
      positive("steps", steps);
      positive("batchSize", batchSize);
      positive("evalMaxNewTokens", evalMaxNewTokens);
      positive("logEvery", logEvery);
    }

    private static void positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
    }

    /** The {@link Qwen2Config#named} shape of the default architecture. */
    public static final String DEFAULT_ARCHITECTURE = "tiny";

    /** Every option at its default: what {@code orz pretrain-base} without options makes. */
    public static final Options DEFAULTS = builder().build();

    /** A builder starting from the defaults, the one place they are written. */
    public static Builder builder() {
      return new Builder();
    }

    /** Options by name; each starts at its default. */
    public static final class Builder {
      private Qwen2Config architecture = Qwen2Config.named(DEFAULT_ARCHITECTURE);
      private long seed = 42;
      private List<String> families = List.of("arithmetic", "linear", "comparison");
      private int minDifficulty = 1;
      private int maxDifficulty = 2;
      private int trainProblems = 40_000;
      private int heldOutProblems = 500;
      private double corruptedShare = 0.45;
      private int vocabSize = 1024;
      private int tokenizerTexts = 5000;
      private int steps = 8000;
      private int batchSize = 32;
      private double learningRate = 2e-3;
      private int warmupSteps = 100;
      private double finalLearningRateFraction = 0.1;
      private double maxGradNorm = 1.0;
      private int evalMaxNewTokens = 96;
      private int logEvery = 50;

      private Builder() {}

      public Builder architecture(Qwen2Config architecture) {
        this.architecture = architecture;
        return this;
      }

      public Builder seed(long seed) {
        this.seed = seed;
        return this;
      }

      public Builder families(List<String> families) {
        this.families = families;
        return this;
      }

      public Builder minDifficulty(int minDifficulty) {
        this.minDifficulty = minDifficulty;
        return this;
      }

      public Builder maxDifficulty(int maxDifficulty) {
        this.maxDifficulty = maxDifficulty;
        return this;
      }

      public Builder trainProblems(int trainProblems) {
        this.trainProblems = trainProblems;
        return this;
      }

      public Builder heldOutProblems(int heldOutProblems) {
        this.heldOutProblems = heldOutProblems;
        return this;
      }

      public Builder corruptedShare(double corruptedShare) {
        this.corruptedShare = corruptedShare;
        return this;
      }

      public Builder vocabSize(int vocabSize) {
        this.vocabSize = vocabSize;
        return this;
      }

      public Builder tokenizerTexts(int tokenizerTexts) {
        this.tokenizerTexts = tokenizerTexts;
        return this;
      }

      public Builder steps(int steps) {
        this.steps = steps;
        return this;
      }

      public Builder batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
      }

      public Builder learningRate(double learningRate) {
        this.learningRate = learningRate;
        return this;
      }

      public Builder warmupSteps(int warmupSteps) {
        this.warmupSteps = warmupSteps;
        return this;
      }

      public Builder finalLearningRateFraction(double finalLearningRateFraction) {
        this.finalLearningRateFraction = finalLearningRateFraction;
        return this;
      }

      public Builder maxGradNorm(double maxGradNorm) {
        this.maxGradNorm = maxGradNorm;
        return this;
      }

      public Builder evalMaxNewTokens(int evalMaxNewTokens) {
        this.evalMaxNewTokens = evalMaxNewTokens;
        return this;
      }

      public Builder logEvery(int logEvery) {
        this.logEvery = logEvery;
        return this;
      }

      public Options build() {
        return new Options(
            architecture,
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
  }

  /** One point of the loss curve: the mean loss of the steps since the previous point. */
  public record LossPoint(int step, double loss) {}

  /**
   * What a run produced.
   *
   * @param config the trained model's architecture (vocabulary and EOS from the tokenizer)
   */
  public record Result(
      Path output,
      Options options,
      Qwen2Config config,
      long parameters,
      int vocabSize,
      Map<SolutionStyle, Integer> corpusStyles,
      List<LossPoint> lossCurve,
      double trainTokensPerSecond,
      double trainSeconds,
      HeldOutEvaluator.Evaluation sampled,
      HeldOutEvaluator.Evaluation greedy,
      double wallSeconds) {

    public double firstLoss() {
      return lossCurve.get(0).loss();
    }

    public double finalLoss() {
      return lossCurve.get(lossCurve.size() - 1).loss();
    }
  }

  private BasePretrainer() {}

  /** Runs everything and writes {@code output}, which must not exist yet. */
  public static Result run(Options options, Path output, PrintStream progress) throws IOException {
    Stopwatch clock = Stopwatch.start();
    Path target = output.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      throw new IllegalArgumentException(
          "output already exists: " + target + " (choose a new directory)");
    }
    Files.createDirectories(target.getParent());
    Path work = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
    try {
      Result result = runIn(options, target, work, progress, clock);
      Files.move(work.resolve("model"), target, StandardCopyOption.ATOMIC_MOVE);
      return result;
    } finally {
      deleteRecursively(work);
    }
  }

  private static Result runIn(
      Options options, Path target, Path work, PrintStream progress, Stopwatch clock)
      throws IOException {
    List<SyntheticProblem> problems =
        SyntheticTasks.generate(
            options.families(),
            options.trainProblems(),
            options.seed(),
            options.minDifficulty(),
            options.maxDifficulty());
    List<SyntheticProblem> heldOut = heldOut(options, problems);
    List<PretrainCorpus.Example> corpus =
        PretrainCorpus.build(
            problems, options.corruptedShare(), Seeds.derive(options.seed(), CORPUS_STREAM));
    Map<SolutionStyle, Integer> styles = new EnumMap<>(SolutionStyle.class);
    corpus.forEach(example -> styles.merge(example.style(), 1, Integer::sum));
    progress.printf(
        "corpus: %d problems (%s), styles %s; %d held out%n",
        problems.size(), String.join(",", options.families()), styles, heldOut.size());

    Path assets = work.resolve("assets");
    BpeVocabulary vocabulary =
        BpeTrainer.train(
            corpus.stream()
                .limit(options.tokenizerTexts())
                .map(e -> e.prompt() + e.completion())
                .toList(),
            BpeTrainer.Options.withProjectTokens(options.vocabSize()));
    TokenizerFiles.write(vocabulary, assets);
    int eos = vocabulary.addedTokenId(SpecialTokens.END_OF_TEXT);
    writeGenerationConfig(assets.resolve(GENERATION_CONFIG_FILE), eos, options.evalMaxNewTokens());
    progress.printf(
        "tokenizer: %d ids (%d merges)%n", vocabulary.size(), vocabulary.merges().size());

    Qwen2Config config =
        options
            .architecture()
            .withVocabSize(vocabulary.size())
            .withSpecialTokens(null, List.of(eos));
    try (HuggingFaceTokenizer tokenizer = Tokenizers.load(assets);
        NDManager manager = NDManager.newBaseManager();
        PolicyModel model =
            PolicyModel.random(config, Seeds.derive(options.seed(), INIT_STREAM), manager)) {
      model.setTokenizerDir(assets);
      List<CompletionBatch.Sequence> sequences = tokenize(tokenizer, corpus, eos);
      progress.printf(
          "model: %d layers, width %d, %,d parameters; %d sequences, mean length %.1f tokens%n",
          config.numHiddenLayers(),
          config.hiddenSize(),
          config.parameterCount(),
          sequences.size(),
          sequences.stream().mapToInt(CompletionBatch.Sequence::length).average().orElse(0));

      Training training = train(model, sequences, options, progress);

      HeldOutEvaluator evaluator =
          new HeldOutEvaluator(
              model,
              tokenizer,
              options.evalMaxNewTokens(),
              Seeds.derive(options.seed(), SAMPLING_STREAM));
      HeldOutEvaluator.Evaluation sampled = evaluator.evaluate(heldOut, 1.0);
      HeldOutEvaluator.Evaluation greedy = evaluator.evaluate(heldOut, 0.0);
      progress.printf(
          "held out (%d problems): sampled T=1 accuracy %.1f%% format %.1f%% by family %s;"
              + " greedy accuracy %.1f%% format %.1f%% by family %s%n",
          heldOut.size(),
          100 * sampled.accuracy(),
          100 * sampled.formatRate(),
          percentages(sampled.accuracyByFamily()),
          100 * greedy.accuracy(),
          100 * greedy.formatRate(),
          percentages(greedy.accuracyByFamily()));

      Path modelDir = work.resolve("model");
      model.save(modelDir);
      Result result =
          new Result(
              target,
              options,
              config,
              config.parameterCount(),
              vocabulary.size(),
              styles,
              training.lossCurve(),
              training.tokensPerSecond(),
              training.seconds(),
              sampled,
              greedy,
              clock.seconds());
      JSON.writeValue(modelDir.resolve(REPORT_FILE).toFile(), report(result));
      Files.createFile(modelDir.resolve(AtomicOutput.SUCCESS));
      return result;
    }
  }

  /** Held-out problems: a separate seed stream, distinct questions, none of them in the corpus. */
  static List<SyntheticProblem> heldOut(Options options, List<SyntheticProblem> training) {
    Set<String> seen = new HashSet<>();
    training.forEach(p -> seen.add(p.question()));
    return SyntheticTasks.generate(
            options.families(),
            2 * options.heldOutProblems(),
            Seeds.derive(options.seed(), HELD_OUT_STREAM),
            options.minDifficulty(),
            options.maxDifficulty())
        .stream()
        .filter(p -> seen.add(p.question()))
        .limit(options.heldOutProblems())
        .toList();
  }

  private static List<CompletionBatch.Sequence> tokenize(
      HuggingFaceTokenizer tokenizer, List<PretrainCorpus.Example> corpus, int eos) {
    Encoding[] prompts =
        tokenizer.batchEncode(
            corpus.stream().map(PretrainCorpus.Example::prompt).toList(), false, false);
    Encoding[] completions =
        tokenizer.batchEncode(
            corpus.stream().map(PretrainCorpus.Example::completion).toList(), false, false);
    List<CompletionBatch.Sequence> sequences = new ArrayList<>(corpus.size());
    for (int i = 0; i < corpus.size(); i++) {
      int[] completion = toInts(completions[i].getIds());
      int[] withEos = Arrays.copyOf(completion, completion.length + 1);
      withEos[completion.length] = eos;
      sequences.add(new CompletionBatch.Sequence(toInts(prompts[i].getIds()), withEos));
    }
    return sequences;
  }

  static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  private record Training(List<LossPoint> lossCurve, double tokensPerSecond, double seconds) {}

  private static Training train(
      PolicyModel model,
      List<CompletionBatch.Sequence> sequences,
      Options options,
      PrintStream progress) {
    CompletionTrainer.Schedule schedule =
        new CompletionTrainer.Schedule(
            options.learningRate(),
            options.warmupSteps(),
            options.steps(),
            options.finalLearningRateFraction(),
            options.maxGradNorm());
    var learningRates = CompletionTrainer.learningRates(schedule);
    SplittableRandom order = new SplittableRandom(Seeds.derive(options.seed(), ORDER_STREAM));
    int[] permutation = permutation(sequences.size(), order);
    List<LossPoint> curve = new ArrayList<>();
    long tokens = 0;
    double windowLoss = 0;
    int windowSteps = 0;
    int cursor = 0;
    Stopwatch begin = Stopwatch.start();
    try (CompletionTrainer trainer = new CompletionTrainer(model, schedule)) {
      for (int step = 1; step <= options.steps(); step++) {
        List<CompletionBatch.Sequence> rows = new ArrayList<>(options.batchSize());
        for (int r = 0; r < options.batchSize(); r++) {
          if (cursor == permutation.length) {
            permutation = permutation(sequences.size(), order);
            cursor = 0;
          }
          rows.add(sequences.get(permutation[cursor++]));
        }
        CompletionBatch batch = CompletionBatch.of(rows);
        CompletionTrainer.StepResult stepResult = trainer.step(batch);
        tokens += batch.realTokens();
        windowLoss += stepResult.loss();
        windowSteps++;
        if (step % options.logEvery() == 0 || step == options.steps() || step == 1) {
          double elapsed = begin.seconds();
          curve.add(new LossPoint(step, windowLoss / windowSteps));
          progress.println(
              TrainingProgress.line(
                  step,
                  options.steps(),
                  windowLoss / windowSteps,
                  learningRates.getNewValue(step),
                  stepResult.gradNorm(),
                  tokens / elapsed,
                  elapsed));
          windowLoss = 0;
          windowSteps = 0;
        }
      }
    }
    double seconds = begin.seconds();
    return new Training(curve, tokens / seconds, seconds);
  }

  private static String percentages(Map<String, Double> shares) {
    StringBuilder out = new StringBuilder();
    shares.forEach(
        (name, share) ->
            out.append(out.length() == 0 ? "" : " ")
                .append(String.format(Locale.ROOT, "%s %.0f%%", name, 100 * share)));
    return out.toString();
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  private static void writeGenerationConfig(Path file, int eos, int maxNewTokens)
      throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.putNull("bos_token_id");
    config.put("eos_token_id", eos);
    config.put("pad_token_id", eos);
    config.put("do_sample", true);
    config.put("temperature", 1.0);
    config.put("top_p", 1.0);
    config.put("max_new_tokens", maxNewTokens);
    JSON.writeValue(file.toFile(), config);
  }

  private static ObjectNode report(Result result) {
    ObjectNode report = JSON.valueToTree(result);
    report.put("output", result.output().toString());
    return report;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.delete(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
