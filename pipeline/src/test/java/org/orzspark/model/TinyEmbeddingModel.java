package org.orzspark.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.orzspark.tokenizer.BpeTrainer;
import org.orzspark.tokenizer.BpeVocabulary;
import org.orzspark.tokenizer.TokenizerFiles;

/**
 * A tiny random Qwen2 model directory in Hugging Face layout for embedding tests: a byte-level BPE
 * tokenizer trained on the given texts and random weights from a seed (vocab ≈ 320, width 32, 2
 * layers).
 */
final class TinyEmbeddingModel {

  private TinyEmbeddingModel() {}

  static Path write(Path dir, List<String> texts, long seed) throws IOException {
    Path tokenizerDir = dir.resolve("tokenizer");
    BpeVocabulary vocabulary = BpeTrainer.train(texts, BpeTrainer.Options.withProjectTokens(320));
    TokenizerFiles.write(vocabulary, tokenizerDir);
    Qwen2Config config =
        new Qwen2Config(
            vocabulary.size(),
            32,
            64,
            2,
            4,
            2,
            512,
            10000.0,
            1e-6,
            true,
            null,
            List.of(0),
            "float32");
    Path modelDir = dir.resolve("model");
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel model = PolicyModel.random(config, seed, manager)) {
      model.setTokenizerDir(tokenizerDir);
      model.save(modelDir);
    }
    return modelDir;
  }
}
