package org.orzspark.generation;

/**
 * What a {@link Generator#generateWithStats} call did.
 *
 * @param samples responses produced
 * @param batches decoding batches run
 * @param prefillTokens prompt tokens run through the model (each prompt once per batch, padding
 *     included)
 * @param generatedTokens response tokens sampled
 * @param decodeSteps forward passes of one token per active sequence
 * @param prefillNanos time in prompt forwards
 * @param decodeNanos time in decode forwards and sampling
 */
public record GenerationStats(
    int samples,
    int batches,
    long prefillTokens,
    long generatedTokens,
    long decodeSteps,
    long prefillNanos,
    long decodeNanos) {}
