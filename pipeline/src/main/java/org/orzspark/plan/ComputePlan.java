package org.orzspark.plan;

import org.orzspark.model.Qwen2Config;

/**
 * FLOPs of one iteration, by phase, from {@link ModelArithmetic#forwardFlops}: a forward costs 2·N
 * per token plus attention, a backward twice a forward, activation checkpointing one more forward.
 *
 * @param prefill the prompts' forward, once per prompt (its samples share the prompt's KV cache)
 * @param generation the policy's forward for every generated token, attending to the prompt and the
 *     response so far
 * @param experience one forward of the policy (log-probs) and one of the critic (values) over every
 *     sequence
 * @param training forward + backward (+ recomputation) of the policy and the critic over every
 *     sequence: 6·N per token, 8·N with activation checkpointing, plus attention likewise
 */
public record ComputePlan(double prefill, double generation, double experience, double training) {

  /**
   * The FLOPs of {@code prompts} × {@code samples} responses of the {@code mean} lengths, each
   * model trained over every sequence once (the policy in its optimizer step(s), the critic over
   * its mini-batches).
   */
  public static ComputePlan of(
      Qwen2Config model,
      long prompts,
      long samples,
      SequenceLengths mean,
      boolean activationCheckpointing) {
    long policyN = ModelArithmetic.policyMatmulParameters(model);
    long criticN = ModelArithmetic.criticMatmulParameters(model);
    long responses = prompts * samples;
    long sequence = mean.sequenceTokens();
    double bothForward =
        ModelArithmetic.forwardFlops(model, policyN, sequence, 0)
            + ModelArithmetic.forwardFlops(model, criticN, sequence, 0);
    int trainingPasses = activationCheckpointing ? 4 : 3;
    return new ComputePlan(
        prompts * ModelArithmetic.forwardFlops(model, policyN, mean.promptTokens(), 0),
        responses
            * ModelArithmetic.forwardFlops(
                model, policyN, mean.responseTokens(), mean.promptTokens()),
        responses * bothForward,
        responses * trainingPasses * bothForward);
  }

  /** All FLOPs of the iteration. */
  public double total() {
    return prefill + generation + experience + training;
  }

  /** GPU-hours of {@code flops} at {@code flopsPerSecond} per GPU. */
  public static double gpuHours(double flops, double flopsPerSecond) {
    if (!(flopsPerSecond > 0)) {
      throw new IllegalArgumentException("the FLOP rate must be positive, got " + flopsPerSecond);
    }
    return flops / flopsPerSecond / 3600.0;
  }
}
