package org.orzspark.generation;

import java.util.List;

/**
 * How responses are sampled.
 *
 * @param temperature logits are divided by it; 0 means greedy (argmax)
 * @param topP nucleus sampling: keep the most likely tokens whose probabilities first reach topP (1
 *     = off)
 * @param topK keep the k most likely tokens before top-p (≤ 0 = off)
 * @param maxNewTokens response length limit; a response that reaches it finishes with "length"
 * @param eosTokenIds tokens that end a response (kept as its last token, finish reason "stop")
 * @param stopStrings strings that end a response when they appear in its decoded text
 * @param keptStopStrings the stop strings that stay in the response text (the others are cut off)
 */
public record SamplingParams(
    double temperature,
    double topP,
    int topK,
    int maxNewTokens,
    List<Integer> eosTokenIds,
    List<String> stopStrings,
    List<String> keptStopStrings) {

  /**
   * Open-Reasoner-Zero's stop strings: {@code </answer>} (kept), {@code User:}, {@code Human:},
   * {@code Assistant:}.
   */
  public static final List<String> ORZ_STOP_STRINGS =
      List.of("</answer>", "User:", "Human:", "Assistant:");

  public static final List<String> ORZ_KEPT_STOP_STRINGS = List.of("</answer>");

  public SamplingParams {
    eosTokenIds = List.copyOf(eosTokenIds);
    stopStrings = List.copyOf(stopStrings);
    keptStopStrings = List.copyOf(keptStopStrings);
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    if (maxNewTokens <= 0) {
      throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
    }
    if (stopStrings.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("empty stop string");
    }
    if (!stopStrings.containsAll(keptStopStrings)) {
      throw new IllegalArgumentException(
          "kept stop strings "
              + keptStopStrings
              + " must be among the stop strings "
              + stopStrings);
    }
  }

  /**
   * The paper's sampling: temperature 1, top-p 1, top-k off, the ORZ stop strings, and {@code eos}.
   */
  public static SamplingParams orz(int maxNewTokens, List<Integer> eosTokenIds) {
    return new SamplingParams(
        1.0, 1.0, 0, maxNewTokens, eosTokenIds, ORZ_STOP_STRINGS, ORZ_KEPT_STOP_STRINGS);
  }

  public SamplingParams withTemperature(double newTemperature) {
    return new SamplingParams(
        newTemperature, topP, topK, maxNewTokens, eosTokenIds, stopStrings, keptStopStrings);
  }

  public SamplingParams withTopP(double newTopP) {
    return new SamplingParams(
        temperature, newTopP, topK, maxNewTokens, eosTokenIds, stopStrings, keptStopStrings);
  }

  public SamplingParams withTopK(int newTopK) {
    return new SamplingParams(
        temperature, topP, newTopK, maxNewTokens, eosTokenIds, stopStrings, keptStopStrings);
  }

  public SamplingParams withMaxNewTokens(int newMaxNewTokens) {
    return new SamplingParams(
        temperature, topP, topK, newMaxNewTokens, eosTokenIds, stopStrings, keptStopStrings);
  }

  public SamplingParams withStopStrings(List<String> newStopStrings, List<String> newKept) {
    return new SamplingParams(
        temperature, topP, topK, maxNewTokens, eosTokenIds, newStopStrings, newKept);
  }

  boolean isEos(int token) {
    return eosTokenIds.contains(token);
  }
}
