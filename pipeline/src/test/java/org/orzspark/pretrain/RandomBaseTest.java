package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.model.ModelCheckpoint;
import org.orzspark.model.Qwen2Config;
import org.orzspark.plan.ModelShapes;
import org.orzspark.testing.RepoData;

/** A random-weights base model with the real Qwen tokenizer, loadable as any base model. */
class RandomBaseTest {
  private static final Path QWEN_TOKENIZER = RepoData.resolve("tokenizers/qwen3");

  @Test
  void theQwenTokenizerHas151669IdsAndPadsIntoTheModelsVocabulary(@TempDir Path dir)
      throws Exception {
    assertThat(RandomBase.tokenizerIds(QWEN_TOKENIZER.resolve("tokenizer.json")))
        .isEqualTo(151_669);
    // the tiny architecture at Qwen's vocabulary: small enough to write in a unit test
    Qwen2Config shape = ModelShapes.named("tiny").withVocabSize(151_936).withLayers(1);
    RandomBase.Result result = RandomBase.write(shape, QWEN_TOKENIZER, 3, dir.resolve("m"));
    ModelCheckpoint written = ModelCheckpoint.read(result.output());
    assertThat(written.config().vocabSize()).isEqualTo(151_936);
    assertThat(written.config().numHiddenLayers()).isEqualTo(1);
    assertThat(dir.resolve("m/tokenizer.json")).exists();
    assertThat(dir.resolve("m/tokenizer_config.json")).exists();

    assertThatThrownBy(
            () ->
                RandomBase.write(
                    shape.withVocabSize(1000), QWEN_TOKENIZER, 3, dir.resolve("too-small")))
        .hasMessageContaining("151669 ids, more than the model's vocabulary of 1000");
    assertThatThrownBy(() -> RandomBase.write(shape, QWEN_TOKENIZER, 3, result.output()))
        .hasMessageContaining("already exists");
  }
}
