package org.orzspark.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained byte-level BPE tokenizer: the BPE tokens in id order (the 256 byte characters first,
 * then one per merge that produced a new string), the merges in rank order (rank = index; lower
 * merges first when encoding), and the added tokens, whose ids follow the BPE tokens.
 *
 * @param tokens BPE token strings over the {@link ByteLevelAlphabet}; token {@code i} has id {@code
 *     i}
 * @param merges merge rules in the order they were learned
 * @param addedTokens tokens matched verbatim before BPE; token {@code j} has id {@code
 *     tokens.size() + j}
 */
public record BpeVocabulary(List<String> tokens, List<Merge> merges, List<String> addedTokens) {

  /** One merge rule: adjacent symbols {@code left right} become {@code left + right}. */
  public record Merge(String left, String right) {
    public String merged() {
      return left + right;
    }
  }

  public BpeVocabulary {
    tokens = List.copyOf(tokens);
    merges = List.copyOf(merges);
    addedTokens = List.copyOf(addedTokens);
  }

  /** Number of ids: BPE tokens plus added tokens (the model's minimum vocabulary size). */
  public int size() {
    return tokens.size() + addedTokens.size();
  }

  /** The id of an added token. */
  public int addedTokenId(String token) {
    int index = addedTokens.indexOf(token);
    if (index < 0) {
      throw new IllegalArgumentException(
          "Not an added token: " + token + "; added: " + addedTokens);
    }
    return tokens.size() + index;
  }

  /** Token string to id for the BPE part (the {@code model.vocab} object of tokenizer.json). */
  public Map<String, Integer> bpeIds() {
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      ids.put(tokens.get(i), i);
    }
    return ids;
  }
}
