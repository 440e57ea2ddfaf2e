package org.orzspark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.model.Tokenizers;

/** Trains on a small template-shaped corpus, writes the files, and reads them back through DJL. */
class TokenizerFilesTest {

  private static final String TEMPLATE_HEAD =
      "A conversation between User and Assistant. The user asks a question, and the Assistant"
          + " solves it. The reasoning process and answer are enclosed within <think> </think> and"
          + " <answer> </answer> tags, respectively. User: ";

  @TempDir static Path dir;
  private static BpeVocabulary vocabulary;

  @BeforeAll
  static void trainAndWrite() throws Exception {
    vocabulary = BpeTrainer.train(corpus(), BpeTrainer.Options.withProjectTokens(400));
    TokenizerFiles.write(vocabulary, dir);
  }

  private static List<String> corpus() {
    List<String> texts = new ArrayList<>();
    Random random = new Random(3);
    for (int i = 0; i < 300; i++) {
      int a = random.nextInt(50);
      int b = random.nextInt(50);
      texts.add(
          TEMPLATE_HEAD
              + "What is "
              + a
              + " + "
              + b
              + "?\nAssistant: <think> "
              + a
              + " + "
              + b
              + " = "
              + (a + b)
              + " </think> <answer> \\boxed{"
              + (a + b)
              + "} </answer>"
              + SpecialTokens.END_OF_TEXT);
    }
    return texts;
  }

  @Test
  void djlLoadsTheFilesAndRoundTripsTemplateText() throws Exception {
    String text =
        TEMPLATE_HEAD
            + "Compute 123 - 45, then double it. Ünïcode too!\nAssistant: <think> 123 - 45 = 78"
            + " </think> <answer> \\boxed{156} </answer>"
            + SpecialTokens.END_OF_TEXT;
    try (HuggingFaceTokenizer tokenizer = Tokenizers.load(dir)) {
      long[] ids = tokenizer.encode(text).getIds();

      assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
      assertThat(tokenizer.decode(ids, true))
          .isEqualTo(text.replace(SpecialTokens.END_OF_TEXT, ""));
      assertThat(java.util.Arrays.stream(ids).max().getAsLong()).isLessThan(vocabulary.size());
    }
  }

  @Test
  void eachTagAndEndOfTextIsOneAddedId() throws Exception {
    try (HuggingFaceTokenizer tokenizer = Tokenizers.load(dir)) {
      for (String tag : SpecialTokens.ALL) {
        Encoding encoding = tokenizer.encode(" x " + tag + " y");
        assertThat(encoding.getIds()).contains((long) vocabulary.addedTokenId(tag));
        assertThat(encoding.getTokens()).contains(tag);
      }
      assertThat(tokenizer.encode("<answer>").getIds())
          .containsExactly(vocabulary.addedTokenId(SpecialTokens.ANSWER_OPEN));
    }
  }

  @Test
  void frequentWordsAreSingleTokensAndNumbersAreDigits() throws Exception {
    try (HuggingFaceTokenizer tokenizer = Tokenizers.load(dir)) {
      assertThat(tokenizer.encode(" Assistant").getTokens()).containsExactly("ĠAssistant");
      assertThat(tokenizer.encode("12345").getTokens()).containsExactly("1", "2", "3", "4", "5");
      // No truncation: a long input keeps every token.
      String longText = " conversation".repeat(2000);
      assertThat(tokenizer.encode(longText).getIds()).hasSize(2000);
    }
  }

  @Test
  void trainingIsDeterministicDownToTheFileBytes(@TempDir Path other) throws Exception {
    TokenizerFiles.write(
        BpeTrainer.train(corpus(), BpeTrainer.Options.withProjectTokens(400)), other);

    for (String file :
        List.of(TokenizerFiles.TOKENIZER_JSON, TokenizerFiles.TOKENIZER_CONFIG_JSON)) {
      assertThat(Files.readAllBytes(other.resolve(file)))
          .isEqualTo(Files.readAllBytes(dir.resolve(file)));
    }
  }
}
