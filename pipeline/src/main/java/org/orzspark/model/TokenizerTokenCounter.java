package org.orzspark.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.orzspark.datasets.curate.filter.TokenCounter;

/**
 * Token counts with a model directory's {@code tokenizer.json} (DJL's Hugging Face tokenizer, no
 * special tokens added), loaded once per JVM and shared by tasks.
 */
public final class TokenizerTokenCounter implements TokenCounter {

  private static final ConcurrentHashMap<String, HuggingFaceTokenizer> TOKENIZERS =
      new ConcurrentHashMap<>();

  private final String dir;

  public TokenizerTokenCounter(String dir) {
    this.dir = Path.of(dir).toAbsolutePath().toString();
  }

  @Override
  public int count(String text) {
    return Tokenizers.encode(TOKENIZERS.computeIfAbsent(dir, TokenizerTokenCounter::load), text)
        .length;
  }

  private static HuggingFaceTokenizer load(String dir) {
    try {
      return Tokenizers.load(Path.of(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the tokenizer in " + dir, e);
    }
  }
}
