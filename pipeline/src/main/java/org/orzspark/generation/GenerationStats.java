package org.orzspark.generation;

/**
 * What a {@link Generator#generateWithStats} call did.
 *
 * @param samples responses produced
 * @param slots decode slots (rows that can decode together)
 * @param prefillTokens prompt tokens run through the model (each prompt once while it is cached)
 * @param generatedTokens response tokens sampled
 * @param decodeSteps forward passes of one token per running sequence
 * @param usefulRowSteps running sequences summed over the decode steps
 * @param prefillNanos time in prompt forwards and first-token draws
 * @param decodeNanos time in decode forwards and sampling
 * @param decodeBytesToHost bytes copied from the engine to the host by the decode steps
 * @param bytesToHost bytes copied from the engine to the host in all
 * @param bytesFromHost bytes copied from the host to the engine in all (weights excluded)
 * @param kvBytesPerToken KV cache bytes per token (all layers, keys and values)
 * @param peakKvBytes the most KV cache bytes in use at once (whole blocks)
 */
public record GenerationStats(
    int samples,
    int slots,
    long prefillTokens,
    long generatedTokens,
    long decodeSteps,
    long usefulRowSteps,
    long prefillNanos,
    long decodeNanos,
    long decodeBytesToHost,
    long bytesToHost,
    long bytesFromHost,
    long kvBytesPerToken,
    long peakKvBytes) {

  /** Useful row-steps over the row-steps paid for (every slot at every decode step). */
  public double slotUtilisation() {
    return decodeSteps == 0 ? 1 : usefulRowSteps / ((double) slots * decodeSteps);
  }

  /** Mean running rows per decode step. */
  public double meanRows() {
    return decodeSteps == 0 ? 0 : usefulRowSteps / (double) decodeSteps;
  }

  /** Mean bytes copied to the host per decode step. */
  public double hostBytesPerDecodeStep() {
    return decodeSteps == 0 ? 0 : decodeBytesToHost / (double) decodeSteps;
  }
}
