package org.orzspark.generation;

/**
 * One sampled response.
 *
 * @param promptId the request's prompt id
 * @param sampleIndex the sample's index within its prompt
 * @param tokens response token ids (without the prompt), including a final EOS token and the token
 *     that completed a stop string
 * @param logprobs per token, log p(token) under the temperature-scaled model distribution before
 *     top-k/top-p truncation (temperature 0: under the unscaled distribution)
 * @param finishReason {@link #STOP} (EOS or a stop string) or {@link #LENGTH}
 * @param text the decoded response: without the EOS token, cut at the first stop string (which is
 *     kept when it is a kept stop string); empty when the generator has no decoder
 */
public record GeneratedSample(
    String promptId,
    int sampleIndex,
    int[] tokens,
    float[] logprobs,
    String finishReason,
    String text) {
  public static final String STOP = "stop";
  public static final String LENGTH = "length";
}
