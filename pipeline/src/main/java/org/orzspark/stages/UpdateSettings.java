package org.orzspark.stages;

import java.io.Serializable;
import org.orzspark.model.ActivationMemory;
import org.orzspark.model.CheckpointDtype;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.OptimizerSharding;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.ValueLoss;
import org.orzspark.ppo.WarmupSchedule;
import org.orzspark.random.Seeds;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;
import org.orzspark.train.ReplicaTrainer;

/**
 * The update stage's settings, typed and nested from the PPO library's own records, built once on
 * the driver by {@link #from} and shipped as they are to every replica.
 *
 * @param reduction policy-loss reduction ({@code ppo.loss_reduction})
 * @param policyLoss the clipped surrogate ({@code ppo.clip_epsilon}; no KL term)
 * @param valueLoss the critic's loss ({@code ppo.value_loss}, {@code ppo.value_clip})
 * @param policyMiniBatches policy optimizer steps ({@code ppo.policy_minibatches})
 * @param criticMiniBatches critic optimizer steps ({@code ppo.critic_minibatches})
 * @param microBatchTokens tokens per forward/backward micro-batch ({@code ppo.micro_batch_tokens})
 * @param policyOptimizer the policy's AdamW ({@code optim.policy_lr} and the shared {@code
 *     optim.*})
 * @param criticOptimizer the critic's AdamW ({@code optim.critic_lr} and the shared {@code
 *     optim.*})
 * @param replicas configured replicas, 0 = all task slots ({@code update.replicas})
 * @param runSeed the run seed, from which each iteration's shuffle seed derives
 * @param gpusPerTask GPUs each replica requests ({@code resources.gpus_per_task})
 * @param activationCheckpointing layers recomputed in the backward pass ({@code
 *     ppo.activation_checkpointing})
 * @param sharding how the replicas hold the optimizer ({@code update.sharding})
 * @param checkpointDtype dtype of the checkpoint's weights ({@code checkpoint.dtype})
 * @param packing several sequences per micro-batch row ({@code ppo.packing})
 */
public record UpdateSettings(
    LossReduction reduction,
    PolicyLoss policyLoss,
    ValueLoss valueLoss,
    int policyMiniBatches,
    int criticMiniBatches,
    int microBatchTokens,
    AdamW.Config policyOptimizer,
    AdamW.Config criticOptimizer,
    int replicas,
    long runSeed,
    double gpusPerTask,
    boolean activationCheckpointing,
    OptimizerSharding sharding,
    CheckpointDtype checkpointDtype,
    boolean packing)
    implements Serializable {

  public static UpdateSettings from(RunConfig config) {
    return new UpdateSettings(
        config.get(RunSettings.LOSS_REDUCTION),
        new PolicyLoss(config.get(RunSettings.CLIP_EPSILON), 0),
        config.get(RunSettings.VALUE_LOSS).with(config.get(RunSettings.VALUE_CLIP)),
        config.get(RunSettings.POLICY_MINIBATCHES),
        config.get(RunSettings.CRITIC_MINIBATCHES),
        config.get(RunSettings.MICRO_BATCH_TOKENS),
        optimizer(config, config.get(RunSettings.POLICY_LR)),
        optimizer(config, config.get(RunSettings.CRITIC_LR)),
        config.get(RunSettings.UPDATE_REPLICAS),
        config.get(RunSettings.SEED),
        config.get(RunSettings.GPUS_PER_TASK),
        config.get(RunSettings.ACTIVATION_CHECKPOINTING),
        config.get(RunSettings.UPDATE_SHARDING),
        config.get(RunSettings.CHECKPOINT_DTYPE),
        config.get(RunSettings.PACKING));
  }

  private static AdamW.Config optimizer(RunConfig config, double lr) {
    return new AdamW.Config(
        new WarmupSchedule(lr, config.get(RunSettings.WARMUP_STEPS)),
        config.get(RunSettings.BETA1),
        config.get(RunSettings.BETA2),
        config.get(RunSettings.ADAM_EPSILON),
        config.get(RunSettings.WEIGHT_DECAY),
        config.get(RunSettings.GRAD_CLIP));
  }

  /** The trainer's settings in iteration {@code iteration} (its mini-batch shuffle seed). */
  public ReplicaTrainer.Settings trainer(int iteration) {
    return new ReplicaTrainer.Settings(
        reduction,
        policyLoss,
        valueLoss,
        policyMiniBatches,
        criticMiniBatches,
        microBatchTokens,
        Seeds.mix(runSeed, "update", iteration),
        activationCheckpointing
            ? ActivationMemory.RECOMPUTE_LAYERS
            : ActivationMemory.RECOMPUTE_LOGITS,
        packing);
  }
}
