package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.RepoData;

class TokenizersTest {
  private static final String TEMPLATE =
      "A conversation between User and Assistant. The user asks a question, and the Assistant"
          + " solves it. The assistant first thinks about the reasoning process in the mind and"
          + " then provides the user with the answer. The reasoning process and answer are enclosed"
          + " within <think> </think> and <answer> </answer> tags, respectively, i.e., <think>"
          + " reasoning process here </think> <answer> answer here </answer>. User: You must put"
          + " your answer inside <answer> </answer> tags, i.e., <answer> answer here </answer>. And"
          + " your final answer will be extracted automatically by the \\boxed{} tag. What is"
          + " $\\frac{3}{4} + 2^{10}$? Ünïcødé — 数学\n"
          + "Assistant: <think>";

  @Test
  void qwen3TokenizerLoadsOfflineAndTheTemplateRoundTrips() throws Exception {
    Path dir = RepoData.resolve("tokenizers/qwen3");
    try (HuggingFaceTokenizer tokenizer = Tokenizers.load(dir)) {
      int[] ids = Tokenizers.encode(tokenizer, TEMPLATE);
      assertThat(ids.length).isBetween(100, 200);
      assertThat(Tokenizers.decoder(tokenizer).apply(ids)).isEqualTo(TEMPLATE);
      // <think> is one added token in Qwen3 (id 151667); no BOS is prepended
      assertThat(Tokenizers.encode(tokenizer, "<think>")).containsExactly(151667);
      assertThat(Tokenizers.encode(tokenizer, "<|endoftext|>")).containsExactly(151643);
    }
  }

  @Test
  void aMissingTokenizerIsReportedWithItsPath(@TempDir Path dir) {
    assertThatThrownBy(() -> Tokenizers.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(dir.resolve("tokenizer.json").toString());
  }
}
