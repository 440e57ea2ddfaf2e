package org.orzspark.plan;

/**
 * Tokens of a prompt and of its response: the longest allowed (memory) or the expected (compute).
 */
public record SequenceLengths(long promptTokens, long responseTokens) {
  public SequenceLengths {
    if (promptTokens < 1 || responseTokens < 1) {
      throw new IllegalArgumentException(
          "prompt and response tokens must be at least 1, got "
              + promptTokens
              + " and "
              + responseTokens);
    }
  }

  /** Prompt + response: the tokens of one trained sequence. */
  public long sequenceTokens() {
    return promptTokens + responseTokens;
  }
}
