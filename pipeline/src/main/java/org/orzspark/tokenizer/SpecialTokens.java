package org.orzspark.tokenizer;

import java.util.List;

/**
 * The added tokens of the project's tokenizer. Each is one id and is never split or merged by BPE:
 * the end-of-text token (EOS and padding) and the four tags of the Open-Reasoner-Zero template, so
 * that the format the reward checks is a handful of ids the policy can learn to emit.
 */
public final class SpecialTokens {

  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String THINK_OPEN = "<think>";
  public static final String THINK_CLOSE = "</think>";
  public static final String ANSWER_OPEN = "<answer>";
  public static final String ANSWER_CLOSE = "</answer>";

  /** All added tokens in id order (they follow the BPE vocabulary). */
  public static final List<String> ALL =
      List.of(END_OF_TEXT, THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE);

  private SpecialTokens() {}

  /**
   * Whether Hugging Face should treat the token as "special" (dropped by {@code decode} with
   * skip-special-tokens). Only end-of-text is; the tags are content the reward reads, as in Qwen3.
   */
  public static boolean isControl(String token) {
    return END_OF_TEXT.equals(token);
  }
}
