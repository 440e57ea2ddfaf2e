package org.orzspark.datasets.curate.filter;

import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptTemplate;

/**
 * Prompts longer than {@code maxTokens} tokens as the policy sees them: the question rendered in
 * the training template ({@link PromptTemplate#render}), counted with the policy's tokenizer.
 */
public final class TooLongRule implements PromptRule {

  public static final String CODE = "too-long";

  private final TokenCounter tokens;
  private final int maxTokens;

  public TooLongRule(TokenCounter tokens, int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("--max-tokens must be >= 1: " + maxTokens);
    }
    this.tokens = tokens;
    this.maxTokens = maxTokens;
  }

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public boolean drops(PromptRecord prompt) {
    return tokens.count(PromptTemplate.render(prompt.question())) > maxTokens;
  }
}
