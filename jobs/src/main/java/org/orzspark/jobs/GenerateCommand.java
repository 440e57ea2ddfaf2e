package org.orzspark.jobs;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.generation.GeneratedSample;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Tokenizers;
import org.orzspark.pretrain.OrzFormat;
import org.orzspark.reward.extract.OrzAnswerExtractor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz generate}: samples responses of a model directory to questions rendered with the ORZ
 * template and prints them, with finish reason, length, format and extracted answer: the quickest
 * way to look at a model.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Print sampled responses of a model to questions in the ORZ prompt template.")
public final class GenerateCommand implements Callable<Integer> {

  /** Longest --prompts file read, so a wrong path (a dataset, a binary) fails fast. */
  static final long MAX_PROMPTS_FILE_BYTES = 1 << 20;

  @Option(names = "--model", required = true, description = "Hugging Face model directory.")
  Path model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Questions questions;

  static final class Questions {
    @Option(names = "--prompt", description = "One question.")
    String prompt;

    @Option(names = "--prompts", description = "A UTF-8 file with one question per line.")
    Path promptsFile;
  }

  @Option(names = "--n", description = "Samples per question. Default: ${DEFAULT-VALUE}.")
  int samples = 4;

  @Option(names = "--seed", description = "Sampling seed. Default: ${DEFAULT-VALUE}.")
  long seed = 1;

  @Option(
      names = "--temperature",
      description = "Sampling temperature (0: greedy). Default: " + "${DEFAULT-VALUE}.")
  double temperature = 1.0;

  @Option(
      names = "--max-new-tokens",
      description = "Response length limit. Default: " + "${DEFAULT-VALUE}.")
  int maxNewTokens = 256;

  /** The responses to one question. */
  public record Answered(String question, List<GeneratedSample> samples) {}

  @Override
  public Integer call() throws IOException {
    print(run(), System.out);
    return 0;
  }

  /** Samples {@code --n} responses to every question. */
  public List<Answered> run() throws IOException {
    List<String> texts = questionTexts();
    try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model);
        NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.load(model, manager)) {
      List<PromptRequest> requests = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        int[] prompt = Tokenizers.encode(tokenizer, PromptTemplate.render(texts.get(i)));
        requests.add(new PromptRequest("prompt-" + i, prompt, 0, samples));
      }
      SamplingParams params =
          SamplingParams.orz(maxNewTokens, policy.config().eosTokenIds())
              .withTemperature(temperature);
      List<GeneratedSample> generated =
          new Generator(policy, Tokenizers.decoder(tokenizer), seed).generate(requests, params);
      List<Answered> answered = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        answered.add(new Answered(texts.get(i), generated.subList(i * samples, (i + 1) * samples)));
      }
      return answered;
    }
  }

  static void print(List<Answered> answered, PrintStream out) {
    for (Answered question : answered) {
      out.println("=== " + question.question());
      for (GeneratedSample sample : question.samples()) {
        out.printf(
            "--- sample %d: %s, %d tokens, %s, answer %s%n",
            sample.sampleIndex(),
            sample.finishReason(),
            sample.tokens().length,
            OrzFormat.isWellFormed(sample.text()) ? "well-formed" : "malformed",
            Objects.requireNonNullElse(OrzAnswerExtractor.fromResponse(sample.text()), "(none)"));
        out.println(sample.text());
      }
    }
  }

  private List<String> questionTexts() throws IOException {
    if (questions.prompt != null) {
      return List.of(questions.prompt);
    }
    Path file = questions.promptsFile;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--prompts file not found: " + file.toAbsolutePath());
    }
    if (Files.size(file) > MAX_PROMPTS_FILE_BYTES) {
      throw new IllegalArgumentException(
          file
              + " is larger than "
              + MAX_PROMPTS_FILE_BYTES
              + " bytes; expected one question per line");
    }
    List<String> lines =
        Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no question");
    }
    return lines;
  }
}
