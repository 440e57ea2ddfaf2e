package org.orzspark.datasets.curate.filter;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Builds the rules named by {@code --drop}, in the order given; unknown names list the valid ones.
 */
public final class FilterRules {

  public static final List<String> CODES =
      List.of(
          MultipleChoiceRule.CODE,
          ProofRule.CODE,
          NonEnglishRule.CODE,
          UnverifiableAnswerRule.CODE,
          TooLongRule.CODE);

  private FilterRules() {}

  /**
   * @param tokens the token counter for {@code too-long} (required when it is named)
   * @param maxTokens the {@code too-long} limit
   */
  public static List<PromptRule> of(
      List<String> codes, Optional<TokenCounter> tokens, int maxTokens) {
    List<PromptRule> rules = new ArrayList<>();
    for (String code : new LinkedHashSet<>(codes)) {
      rules.add(
          switch (code.trim()) {
            case MultipleChoiceRule.CODE -> new MultipleChoiceRule();
            case ProofRule.CODE -> new ProofRule();
            case NonEnglishRule.CODE -> new NonEnglishRule();
            case UnverifiableAnswerRule.CODE -> new UnverifiableAnswerRule();
            case TooLongRule.CODE ->
                new TooLongRule(
                    tokens.orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "too-long needs a tokenizer (--tokenizer DIR)")),
                    maxTokens);
            default ->
                throw new IllegalArgumentException(
                    "unknown filter '" + code + "'; valid: " + CODES);
          });
    }
    return rules;
  }
}
