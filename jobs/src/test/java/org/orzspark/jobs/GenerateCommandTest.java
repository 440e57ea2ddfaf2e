package org.orzspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.generation.GeneratedSample;
import picocli.CommandLine;

class GenerateCommandTest {

  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void makeAModel() throws Exception {
    model = dir.resolve("base");
    PretrainBaseCommandTest.parse(PretrainBaseCommandTest.quickArgs(model))
        .run(new PrintStream(PrintStream.nullOutputStream()));
  }

  static GenerateCommand parse(String... args) {
    CommandLine.ParseResult parsed = Orz.commandLine().parseArgs(args);
    return (GenerateCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void samplesNResponsesPerQuestionDeterministically() throws Exception {
    String[] args = {
      "generate",
      "--model",
      model.toString(),
      "--prompt",
      "Compute 2 + 3.",
      "--n",
      "3",
      "--seed",
      "7",
      "--max-new-tokens",
      "10"
    };
    List<GenerateCommand.Answered> answered = parse(args).run();

    assertThat(answered).hasSize(1);
    assertThat(answered.get(0).question()).isEqualTo("Compute 2 + 3.");
    assertThat(answered.get(0).samples())
        .extracting(GeneratedSample::sampleIndex)
        .containsExactly(0, 1, 2);
    assertThat(answered.get(0).samples())
        .allMatch(s -> s.tokens().length >= 1 && s.tokens().length <= 10);
    assertThat(parse(args).run().get(0).samples())
        .extracting(GeneratedSample::text)
        .containsExactlyElementsOf(
            answered.get(0).samples().stream().map(GeneratedSample::text).toList());
  }

  @Test
  void readsOneQuestionPerLineAndPrintsEverySample() throws Exception {
    Path prompts = dir.resolve("questions.txt");
    Files.writeString(prompts, "Compute 4 - 1.\n\nIs 7 greater than 3? Answer yes or no.\n");
    List<GenerateCommand.Answered> answered =
        parse(
                "generate",
                "--model",
                model.toString(),
                "--prompts",
                prompts.toString(),
                "--n",
                "2",
                "--temperature",
                "0",
                "--max-new-tokens",
                "8")
            .run();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GenerateCommand.print(answered, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(answered)
        .extracting(GenerateCommand.Answered::question)
        .containsExactly("Compute 4 - 1.", "Is 7 greater than 3? Answer yes or no.");
    // Greedy: both samples of a question are the same text.
    assertThat(answered.get(0).samples().get(0).text())
        .isEqualTo(answered.get(0).samples().get(1).text());
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("=== Compute 4 - 1.", "--- sample 1: ", "=== Is 7 greater than 3?");
  }

  @Test
  void promptAndPromptsAreExclusiveAndAnEmptyFileIsAnError() throws Exception {
    StringWriter errors = new StringWriter();
    CommandLine commandLine = Orz.commandLine();
    commandLine.setErr(new PrintWriter(errors));
    int code =
        commandLine.execute(
            "generate", "--model", model.toString(), "--prompt", "a", "--prompts", "b");
    assertThat(code).isEqualTo(2);
    assertThat(errors.toString()).contains("mutually exclusive");

    Path empty = Files.writeString(dir.resolve("empty.txt"), "\n  \n");
    assertThatThrownBy(
            () ->
                parse("generate", "--model", model.toString(), "--prompts", empty.toString()).run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no question");
  }
}
