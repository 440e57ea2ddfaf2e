package org.orzspark.pretrain;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.timing.Stopwatch;

/**
 * A base model of a given architecture with random weights and an existing Hugging Face tokenizer,
 * without training: a model of a real model's shape (e.g. Qwen2.5-0.5B's with the Qwen tokenizer)
 * for smoke runs of the pipeline's memory and wiring, with no weights to download.
 */
public final class RandomBase {
  private RandomBase() {}

  /**
   * @param tokenizerIds the tokenizer's ids (its largest id + 1); the model's vocabulary pads it
   * @param seconds wall time
   */
  public record Result(Path output, Qwen2Config config, int tokenizerIds, double seconds) {}

  /**
   * Writes the model to {@code output} (a new directory), its weights drawn from {@code seed}
   * ({@link PolicyModel#random}), the tokenizer files of {@code tokenizerDir} copied beside them.
   *
   * @throws IllegalArgumentException when {@code output} exists or the tokenizer has more ids than
   *     the vocabulary
   */
  public static Result write(Qwen2Config config, Path tokenizerDir, long seed, Path output)
      throws IOException {
    Stopwatch clock = Stopwatch.start();
    if (Files.exists(output)) {
      throw new IllegalArgumentException(
          "output already exists: " + output + " (choose a new directory)");
    }
    int ids = tokenizerIds(tokenizerDir.resolve("tokenizer.json"));
    if (ids > config.vocabSize()) {
      throw new IllegalArgumentException(
          "the tokenizer in "
              + tokenizerDir
              + " has "
              + ids
              + " ids, more than the model's vocabulary of "
              + config.vocabSize());
    }
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel model = PolicyModel.random(config, seed, manager)) {
      model.setTokenizerDir(tokenizerDir);
      model.save(output);
    }
    return new Result(output, config, ids, clock.seconds());
  }

  /** 1 + the largest id of a {@code tokenizer.json}'s vocabulary and added tokens. */
  static int tokenizerIds(Path tokenizerJson) throws IOException {
    JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
    int largest = -1;
    for (Iterator<JsonNode> ids = root.path("model").path("vocab").elements(); ids.hasNext(); ) {
      largest = Math.max(largest, ids.next().asInt());
    }
    for (JsonNode added : root.path("added_tokens")) {
      largest = Math.max(largest, added.path("id").asInt());
    }
    if (largest < 0) {
      throw new IOException(tokenizerJson + " lists no token ids");
    }
    return largest + 1;
  }
}
