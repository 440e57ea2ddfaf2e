package org.orzspark.stages;

import java.io.Serializable;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.model.ModelDtype;
import org.orzspark.random.Seeds;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;

/**
 * The rollout's settings, typed, built once on the driver from the run's configuration by {@link
 * #from}; defaults and ranges are those declared in {@link RunSettings}.
 *
 * @param samplesPerPrompt generations per prompt ({@code rollout.samples_per_prompt})
 * @param sampling how each sequence is sampled, what a rollout task receives
 * @param runSeed the run seed, from which each iteration's generation seed derives
 * @param gpusPerTask GPUs each rollout task requests ({@code resources.gpus_per_task})
 */
public record RolloutSettings(
    int samplesPerPrompt, Sampling sampling, long runSeed, double gpusPerTask)
    implements Serializable {

  /**
   * How a rollout (or an evaluation) samples a sequence.
   *
   * @param template the prompt template ({@code data.prompt_template})
   * @param maxResponseTokens response length limit ({@code rollout.max_response_tokens})
   * @param temperature sampling temperature ({@code rollout.temperature})
   * @param topP nucleus mass, 1 = off ({@code rollout.top_p})
   * @param topK top-k, 0 = off ({@code rollout.top_k})
   * @param batchSequences decode slots ({@code rollout.batch_sequences})
   * @param kvCacheBytes KV cache budget, 0 = automatic ({@code rollout.kv_cache_bytes})
   * @param dtype the compute dtype, resolved on the executor ({@code model.dtype})
   */
  public record Sampling(
      PromptTemplate.Variant template,
      int maxResponseTokens,
      double temperature,
      double topP,
      int topK,
      int batchSequences,
      long kvCacheBytes,
      ModelDtype dtype)
      implements Serializable {

    /**
     * With the automatic KV cache budget, in {@code model.dtype}'s default {@link ModelDtype#AUTO}.
     */
    public Sampling(
        PromptTemplate.Variant template,
        int maxResponseTokens,
        double temperature,
        double topP,
        int topK,
        int batchSequences) {
      this(
          template, maxResponseTokens, temperature, topP, topK, batchSequences, 0, ModelDtype.AUTO);
    }

    /** The run's sampling settings. */
    public static Sampling from(RunConfig config) {
      return new Sampling(
          config.get(RunSettings.PROMPT_TEMPLATE),
          config.get(RunSettings.MAX_RESPONSE_TOKENS),
          config.get(RunSettings.TEMPERATURE),
          config.get(RunSettings.TOP_P),
          config.get(RunSettings.TOP_K),
          config.get(RunSettings.ROLLOUT_BATCH_SEQUENCES),
          config.get(RunSettings.ROLLOUT_KV_CACHE_BYTES),
          config.get(RunSettings.MODEL_DTYPE));
    }
  }

  public static RolloutSettings from(RunConfig config) {
    return new RolloutSettings(
        config.get(RunSettings.SAMPLES_PER_PROMPT),
        Sampling.from(config),
        config.get(RunSettings.SEED),
        config.get(RunSettings.GPUS_PER_TASK));
  }

  /** The seed every sample's draws of iteration {@code iteration} derive from. */
  public long generationSeed(int iteration) {
    return Seeds.mix(runSeed, "rollout", iteration);
  }
}
