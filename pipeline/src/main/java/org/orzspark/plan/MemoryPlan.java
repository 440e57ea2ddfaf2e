package org.orzspark.plan;

import java.util.ArrayList;
import java.util.List;
import org.orzspark.model.Qwen2Config;

/**
 * Memory per GPU in the two phases of an iteration, which never hold their states at the same time
 * (separate Spark stages; the reference code offloads between them likewise):
 *
 * <ul>
 *   <li>update: policy and critic weights, gradients and optimizer shards, plus the activations of
 *       one micro-batch of whichever model trains (the policy's steps come before the critic's);
 *   <li>rollout: the policy's weights plus the KV cache of the rows decoded together, each row
 *       holding a prompt and a response of the longest allowed lengths.
 * </ul>
 *
 * <p>No allowance is made for the CUDA context, the engine's workspace or allocator fragmentation.
 *
 * @param policy the policy's training memory
 * @param critic the critic's training memory
 * @param activationTokens tokens of the largest micro-batch: the configured size, or one longest
 *     sequence where that is longer (a micro-batch holds at least one sequence)
 * @param kvBytesPerRow KV cache of one rollout row at the longest lengths
 * @param rolloutRows rows decoded together on one GPU
 * @param gpuMemory bytes of one GPU
 */
public record MemoryPlan(
    ModelMemory policy,
    ModelMemory critic,
    long activationTokens,
    long kvBytesPerRow,
    int rolloutRows,
    long gpuMemory) {

  /** The plan of {@code model} trained as {@code setup} says, at the {@code longest} lengths. */
  public static MemoryPlan of(
      Qwen2Config model,
      TrainingSetup setup,
      SequenceLengths longest,
      int rolloutRows,
      long gpuMemory) {
    Precision precision = setup.precision();
    long tokens = Math.max(setup.microBatchTokens(), longest.sequenceTokens());
    long activations =
        ModelArithmetic.activationBytes(
            model, tokens, precision.valueBytes(), setup.activationCheckpointing());
    return new MemoryPlan(
        ModelMemory.of(
            ModelArithmetic.policyParameters(model),
            precision,
            setup.optimizerShards(),
            activations),
        ModelMemory.of(
            ModelArithmetic.criticParameters(model),
            precision,
            setup.optimizerShards(),
            activations),
        tokens,
        longest.sequenceTokens()
            * ModelArithmetic.kvCacheBytesPerToken(model, precision.valueBytes()),
        rolloutRows,
        gpuMemory);
  }

  /** KV cache of the {@link #rolloutRows} rows. */
  public long kvCacheBytes() {
    return kvBytesPerRow * rolloutRows;
  }

  /** Peak of the update phase: both models' states, one model's activations at a time. */
  public long updateBytes() {
    return policy.states() + critic.states() + Math.max(policy.activations(), critic.activations());
  }

  /** Peak of the rollout phase: policy weights + KV cache. */
  public long rolloutBytes() {
    return policy.weights() + kvCacheBytes();
  }

  /** The most rows whose KV cache fits beside the policy's weights (0 when none does). */
  public long largestRolloutRows() {
    return Math.max(0, (gpuMemory - policy.weights()) / kvBytesPerRow);
  }

  /** What does not fit, one phrase per phase that overflows; empty when everything fits. */
  public List<String> overflows() {
    List<String> overflows = new ArrayList<>();
    if (updateBytes() > gpuMemory) {
      overflows.add(
          "update needs "
              + ByteSize.format(updateBytes())
              + " of "
              + ByteSize.format(gpuMemory)
              + ", largest part "
              + largestUpdatePart());
    }
    if (rolloutBytes() > gpuMemory) {
      overflows.add(
          "rollout needs "
              + ByteSize.format(rolloutBytes())
              + " of "
              + ByteSize.format(gpuMemory)
              + ": KV cache of "
              + rolloutRows
              + " rows "
              + ByteSize.format(kvCacheBytes())
              + ", at most "
              + largestRolloutRows()
              + " rows fit");
    }
    return overflows;
  }

  /** Whether both phases fit in one GPU. */
  public boolean fits() {
    return overflows().isEmpty();
  }

  private String largestUpdatePart() {
    String[] names = {"weights", "gradients", "optimizer shards", "activations"};
    long[] sizes = {
      policy.weights() + critic.weights(),
      policy.gradients() + critic.gradients(),
      policy.optimizer() + critic.optimizer(),
      Math.max(policy.activations(), critic.activations())
    };
    int largest = 0;
    for (int i = 1; i < sizes.length; i++) {
      if (sizes[i] > sizes[largest]) {
        largest = i;
      }
    }
    return names[largest] + " " + ByteSize.format(sizes[largest]);
  }
}
