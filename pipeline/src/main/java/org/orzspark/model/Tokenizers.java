package org.orzspark.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads a model directory's {@code tokenizer.json} through DJL's {@link HuggingFaceTokenizer}, from
 * the local file only (nothing is downloaded), configured for exact round trips: no special tokens
 * added, no truncation, no padding.
 */
public final class Tokenizers {
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private Tokenizers() {}

  /** The tokenizer of {@code modelDir} (the directory holding {@code tokenizer.json}). */
  public static HuggingFaceTokenizer load(Path modelDir) throws IOException {
    Path file = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": missing tokenizer");
    }
    return HuggingFaceTokenizer.newInstance(file, OPTIONS);
  }

  /** Token ids of {@code text}. */
  public static int[] encode(HuggingFaceTokenizer tokenizer, String text) {
    return Arrays.stream(tokenizer.encode(text, false, false).getIds())
        .mapToInt(Math::toIntExact)
        .toArray();
  }

  /** A decoder for {@code Generator}: ids → text, special tokens kept (tags may be special). */
  public static Function<int[], String> decoder(HuggingFaceTokenizer tokenizer) {
    return ids -> tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), false);
  }
}
