package org.orzspark.generation;

/**
 * Samples wanted for one prompt: sample indices [firstSampleIndex, firstSampleIndex + numSamples).
 * The tokens of a sample depend only on (generator seed, promptId, sample index) and the weights.
 *
 * @param promptId stable identifier of the prompt (seeds its samples)
 * @param promptTokens the prompt's token ids
 * @param firstSampleIndex index of the first sample wanted
 * @param numSamples how many samples
 */
public record PromptRequest(
    String promptId, int[] promptTokens, int firstSampleIndex, int numSamples) {

  public PromptRequest {
    if (promptTokens.length == 0) {
      throw new IllegalArgumentException("prompt '" + promptId + "' has no tokens");
    }
    if (firstSampleIndex < 0 || numSamples <= 0) {
      throw new IllegalArgumentException(
          "prompt '" + promptId + "': bad sample range " + firstSampleIndex + " + " + numSamples);
    }
    promptTokens = promptTokens.clone();
  }
}
