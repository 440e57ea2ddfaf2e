package org.orzspark.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-token log-probabilities and (optionally) entropies of a {@link TokenBatch}.
 *
 * @param logProbs [B, T]: log p(token_t | earlier tokens of its segment); 0 at padding and at each
 *     segment's first token
 * @param entropy [B, T]: entropy of the distribution that predicted token t (same zeros), or null
 *     when not requested
 */
public record TokenLogProbs(NDArray logProbs, NDArray entropy) {}
