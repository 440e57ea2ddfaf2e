package org.orzspark.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words that byte-level BPE merges never cross, with the Qwen2 pattern:
 * English contractions, letter runs (with one leading non-letter such as a space), <b>single
 * digits</b> (so a number is a sequence of digit tokens and arithmetic stays learnable digit by
 * digit), punctuation runs, and whitespace. The same pattern is written into {@code tokenizer.json}
 * ({@code Split} pre-tokenizer, behaviour {@code Isolated}), so training here and encoding in the
 * Hugging Face tokenizer see the same words.
 */
public final class ByteLevelPreTokenizer {

  /** The split pattern, in the syntax shared by Java and Oniguruma (Hugging Face tokenizers). */
  public static final String PATTERN =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
          + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  // Oniguruma's \s is Unicode-aware; Java's needs UNICODE_CHARACTER_CLASS to agree.
  private static final Pattern COMPILED = Pattern.compile(PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

  private ByteLevelPreTokenizer() {}

  /** The words of {@code text} in order; their concatenation is {@code text}. */
  public static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    Matcher matcher = COMPILED.matcher(text);
    while (matcher.find()) {
      words.add(matcher.group());
    }
    return words;
  }
}
