package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.synth.SyntheticProblem;
import org.orzspark.datasets.synth.SyntheticTasks;
import org.orzspark.model.ModelCheckpoint;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.Tokenizers;
import org.orzspark.tokenizer.SpecialTokens;

/**
 * A micro pre-training run end to end: corpus, tokenizer, training, evaluation, output directory.
 */
class BasePretrainerTest {

  /** Width 32, one layer; 40 steps of 8 sequences take seconds. */
  static BasePretrainer.Options microOptions(long seed) {
    Qwen2Config micro =
        new Qwen2Config(1, 32, 64, 1, 2, 1, 512, 10000.0, 1e-6, true, null, List.of(), "float32");
    return BasePretrainer.Options.builder()
        .architecture(micro)
        .seed(seed)
        .families(List.of("arithmetic", "comparison"))
        .minDifficulty(1)
        .maxDifficulty(2)
        .trainProblems(300)
        .heldOutProblems(12)
        .corruptedShare(0.45)
        .vocabSize(400)
        .tokenizerTexts(300)
        .steps(40)
        .batchSize(8)
        .learningRate(3e-3)
        .warmupSteps(4)
        .finalLearningRateFraction(0.1)
        .maxGradNorm(1.0)
        .evalMaxNewTokens(24)
        .logEvery(10)
        .build();
  }

  @TempDir static Path dir;
  static BasePretrainer.Result result;
  static String progress;

  @BeforeAll
  static void pretrain() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    result =
        BasePretrainer.run(
            microOptions(5),
            dir.resolve("base"),
            new PrintStream(console, true, StandardCharsets.UTF_8));
    progress = console.toString(StandardCharsets.UTF_8);
  }

  @Test
  void trainingLowersTheLossAndPrintsProgress() {
    assertThat(result.finalLoss()).isLessThan(result.firstLoss() * 0.8);
    assertThat(result.lossCurve())
        .extracting(BasePretrainer.LossPoint::step)
        .containsExactly(1, 10, 20, 30, 40);
    assertThat(progress).contains("step 40/40", "tok/s", "eta", "held out (12 problems)");
    assertThat(result.trainTokensPerSecond()).isPositive();
  }

  @Test
  void evaluatesSampledAndGreedyOnTheHeldOutProblems() {
    assertThat(result.sampled().temperature()).isEqualTo(1.0);
    assertThat(result.greedy().temperature()).isEqualTo(0.0);
    for (HeldOutEvaluator.Evaluation evaluation : List.of(result.sampled(), result.greedy())) {
      assertThat(evaluation.problems()).isEqualTo(12);
      assertThat(evaluation.accuracy()).isBetween(0.0, 1.0);
      assertThat(evaluation.formatRate()).isBetween(0.0, 1.0);
      assertThat(evaluation.meanResponseTokens()).isBetween(1.0, 24.0);
      assertThat(evaluation.accuracyByFamily()).containsOnlyKeys("arithmetic", "comparison");
    }
  }

  @Test
  void writesAHuggingFaceDirectoryThatLoadsBack() throws Exception {
    Path out = dir.resolve("base");
    assertThat(out.resolve(org.orzspark.datasets.io.AtomicOutput.SUCCESS)).exists();
    for (String file :
        List.of(
            "config.json",
            "model.safetensors",
            "tokenizer.json",
            "tokenizer_config.json",
            "generation_config.json",
            BasePretrainer.REPORT_FILE)) {
      assertThat(out.resolve(file)).isRegularFile();
    }
    ModelCheckpoint checkpoint = ModelCheckpoint.read(out);
    assertThat(checkpoint.config().vocabSize()).isEqualTo(result.vocabSize());
    try (HuggingFaceTokenizer tokenizer = Tokenizers.load(out);
        NDManager manager = NDManager.newBaseManager();
        PolicyModel model = PolicyModel.load(out, manager)) {
      int[] ids = Tokenizers.encode(tokenizer, "<answer>");
      assertThat(ids).hasSize(1);
      assertThat(model.config().eosTokenIds())
          .containsExactly(Tokenizers.encode(tokenizer, SpecialTokens.END_OF_TEXT)[0]);
    }
    String report = Files.readString(out.resolve(BasePretrainer.REPORT_FILE));
    assertThat(report).contains("\"sampled\"", "\"greedy\"", "\"formatRate\"", "\"lossCurve\"");
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("base");
    }
  }

  @Test
  void theSameSeedGivesTheSameWeights(@TempDir Path other) throws Exception {
    BasePretrainer.Result again =
        BasePretrainer.run(
            microOptions(5),
            other.resolve("base"),
            new PrintStream(PrintStream.nullOutputStream()));

    assertThat(Files.readAllBytes(other.resolve("base/model.safetensors")))
        .isEqualTo(Files.readAllBytes(dir.resolve("base/model.safetensors")));
    assertThat(Files.readAllBytes(other.resolve("base/tokenizer.json")))
        .isEqualTo(Files.readAllBytes(dir.resolve("base/tokenizer.json")));
    assertThat(again.sampled()).isEqualTo(result.sampled());
  }

  @Test
  void heldOutQuestionsAreDistinctAndNotInTheCorpus() {
    BasePretrainer.Options options = microOptions(5);
    List<SyntheticProblem> training =
        SyntheticTasks.generate(options.families(), options.trainProblems(), options.seed(), 1, 2);
    List<SyntheticProblem> heldOut = BasePretrainer.heldOut(options, training);

    assertThat(heldOut).hasSize(options.heldOutProblems());
    assertThat(heldOut)
        .extracting(SyntheticProblem::question)
        .doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(training.stream().map(SyntheticProblem::question).toList());
  }

  @Test
  void refusesAnExistingOutputBeforeDoingAnyWork() {
    assertThatThrownBy(
            () ->
                BasePretrainer.run(
                    microOptions(5),
                    dir.resolve("base"),
                    new PrintStream(PrintStream.nullOutputStream())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output already exists");
  }
}
