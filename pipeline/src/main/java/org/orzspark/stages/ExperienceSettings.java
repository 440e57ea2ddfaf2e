package org.orzspark.stages;

import java.io.Serializable;
import org.orzspark.model.ModelDtype;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;

/**
 * The experience stage's settings, typed, built once on the driver by {@link #from}.
 *
 * @param microBatchTokens tokens per forward micro-batch ({@code ppo.micro_batch_tokens})
 * @param packing several sequences per micro-batch row ({@code ppo.packing})
 * @param gamma GAE discount γ ({@code ppo.gamma})
 * @param lambda GAE λ ({@code ppo.lambda})
 * @param gpusPerTask GPUs each experience task requests ({@code resources.gpus_per_task})
 * @param dtype the forwards' compute dtype, resolved on the executor ({@code model.dtype})
 */
public record ExperienceSettings(
    int microBatchTokens,
    boolean packing,
    double gamma,
    double lambda,
    double gpusPerTask,
    ModelDtype dtype)
    implements Serializable {

  /** Settings computing in {@code model.dtype}'s default, {@link ModelDtype#AUTO}. */
  public ExperienceSettings(
      int microBatchTokens, boolean packing, double gamma, double lambda, double gpusPerTask) {
    this(microBatchTokens, packing, gamma, lambda, gpusPerTask, ModelDtype.AUTO);
  }

  public static ExperienceSettings from(RunConfig config) {
    return new ExperienceSettings(
        config.get(RunSettings.MICRO_BATCH_TOKENS),
        config.get(RunSettings.PACKING),
        config.get(RunSettings.GAMMA),
        config.get(RunSettings.LAMBDA),
        config.get(RunSettings.GPUS_PER_TASK),
        config.get(RunSettings.MODEL_DTYPE));
  }
}
