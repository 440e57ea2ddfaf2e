package org.orzspark.run;

import static org.orzspark.run.Range.atLeast;
import static org.orzspark.run.Range.closed;
import static org.orzspark.run.Range.closedOpen;
import static org.orzspark.run.Range.greaterThan;
import static org.orzspark.run.Range.open;
import static org.orzspark.run.Range.openClosed;

import java.util.LinkedHashMap;
import java.util.Map;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.model.CheckpointDtype;
import org.orzspark.model.ModelDtype;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.OptimizerSharding;
import org.orzspark.ppo.ValueLoss;

/**
 * Every hyper-parameter of a training run with its built-in default, the Open-Reasoner-Zero 7B
 * recipe (paper and reference implementation; see shared/ORZ-FACTS.md), and its valid values,
 * declared together so that a range moves with its setting. A range that is not the obvious one
 * says why in the setting's doc. Profiles in {@code conf/profiles/} override some of them; {@code
 * --set key=value} overrides a profile.
 */
public final class RunSettings {
  private RunSettings() {}

  private static final Map<String, RunSetting<?>> ALL = new LinkedHashMap<>();

  private static <T> RunSetting<T> add(RunSetting<T> setting) {
    ALL.put(setting.key(), setting);
    return setting;
  }

  public static final RunSetting<Long> SEED =
      add(RunSetting.longValue("run.seed", 42, "Run seed: every random choice derives from it."));

  // Data
  public static final RunSetting<Integer> PROMPTS_PER_ITERATION =
      add(
          RunSetting.integer(
              "data.prompts_per_iteration", 128, atLeast(1), "Prompts sampled per iteration."));
  public static final RunSetting<PromptTemplate.Variant> PROMPT_TEMPLATE =
      add(
          RunSetting.choice(
              "data.prompt_template",
              PromptTemplate.Variant.PAPER,
              "Prompt template: the paper's Table 1 or the reference code's variant."));
  public static final RunSetting<Integer> MAX_PROMPT_TOKENS =
      add(
          RunSetting.integer(
              "data.max_prompt_tokens",
              2048,
              atLeast(1),
              "Prompts longer than this (in tokens) are quarantined, not truncated."));

  // Rollout
  public static final RunSetting<Integer> SAMPLES_PER_PROMPT =
      add(
          RunSetting.integer(
              "rollout.samples_per_prompt", 64, atLeast(1), "Generations per prompt."));
  public static final RunSetting<Integer> MAX_RESPONSE_TOKENS =
      add(
          RunSetting.integer(
              "rollout.max_response_tokens", 8000, atLeast(1), "Response length limit in tokens."));
  public static final RunSetting<Double> TEMPERATURE =
      add(
          RunSetting.decimal(
              "rollout.temperature",
              1.0,
              greaterThan(0),
              "Sampling temperature. Not 0 (greedy): PPO needs a stochastic behaviour policy, and the"
                  + " samples of one prompt would all be the same response with zero advantage."));
  public static final RunSetting<Double> TOP_P =
      add(
          RunSetting.decimal(
              "rollout.top_p", 1.0, openClosed(0, 1), "Nucleus sampling mass (1 = off)."));
  public static final RunSetting<Integer> TOP_K =
      add(RunSetting.integer("rollout.top_k", 0, atLeast(0), "Top-k sampling (0 = off)."));
  public static final RunSetting<Integer> ROLLOUT_BATCH_SEQUENCES =
      add(
          RunSetting.integer(
              "rollout.batch_sequences",
              64,
              atLeast(1),
              "Decode slots of a rollout task: sequences decoded together; a finished sequence's"
                  + " slot goes to the next waiting sample at once (continuous batching)."));
  public static final RunSetting<Long> ROLLOUT_KV_CACHE_BYTES =
      add(
          RunSetting.longInRange(
              "rollout.kv_cache_bytes",
              0,
              atLeast(0),
              "KV cache budget of a rollout task in bytes (0 = enough for every slot's longest"
                  + " sequence). Samples are admitted only while the cache holds their whole"
                  + " response; a single sequence larger than the budget is refused. On a GPU shared"
                  + " with Spark RAPIDS it must fit beside the weights outside RAPIDS' pool."));

  // Reward
  public static final RunSetting<Double> VERIFY_TIMEOUT_SECONDS =
      add(
          RunSetting.decimal(
              "reward.verify_timeout_s",
              30.0,
              openClosed(0, 3600),
              "Last-resort wall-clock net of one verification (reason timeout). Answers are bounded by"
                  + " a work budget, not by time, so that load never decides a reward: the net sits"
                  + " over 10x above the worst check of the adversarial corpus. At most an hour: a"
                  + " longer net only lets a hung verifier hold a reward task."));

  // PPO
  public static final RunSetting<Double> GAMMA =
      add(RunSetting.decimal("ppo.gamma", 1.0, closed(0, 1), "GAE discount γ."));
  public static final RunSetting<Double> LAMBDA =
      add(RunSetting.decimal("ppo.lambda", 1.0, closed(0, 1), "GAE λ."));
  public static final RunSetting<Double> CLIP_EPSILON =
      add(
          RunSetting.decimal(
              "ppo.clip_epsilon",
              0.2,
              open(0, 1),
              "PPO ratio clip ε. Below 1: from ε = 1 on, the lower clip 1 − ε no longer bounds the ratio."));
  public static final RunSetting<Double> VALUE_CLIP =
      add(
          RunSetting.decimal(
              "ppo.value_clip",
              0.2,
              greaterThan(0),
              "Critic value-change clip (clipped value loss)."));
  public static final RunSetting<ValueLoss.Form> VALUE_LOSS =
      add(
          RunSetting.choice(
              "ppo.value_loss",
              ValueLoss.Form.CLIPPED,
              "Critic loss: the reference code's clipped ½·max((V_clip−R)², (V−R)²) or the paper's ½(V−R)²."));
  public static final RunSetting<LossReduction> LOSS_REDUCTION =
      add(
          RunSetting.choice(
              "ppo.loss_reduction",
              LossReduction.SEQUENCE_MEAN,
              "Policy loss reduction: token mean per sequence then mean over sequences, or token mean over the batch."));
  public static final RunSetting<Integer> CRITIC_MINIBATCHES =
      add(
          RunSetting.integer(
              "ppo.critic_minibatches", 12, atLeast(1), "Critic optimizer steps per iteration."));
  public static final RunSetting<Integer> POLICY_MINIBATCHES =
      add(
          RunSetting.integer(
              "ppo.policy_minibatches",
              1,
              atLeast(1),
              "Policy optimizer steps per iteration (1 = strictly on-policy)."));
  public static final RunSetting<Integer> MICRO_BATCH_TOKENS =
      add(
          RunSetting.integer(
              "ppo.micro_batch_tokens",
              16384,
              atLeast(1),
              "Tokens per forward/backward micro-batch (a memory knob; does not change the result)."));
  public static final RunSetting<Boolean> PACKING =
      add(
          RunSetting.bool(
              "ppo.packing",
              true,
              "Pack several sequences side by side into each micro-batch row (block-diagonal"
                  + " attention, positions restarting per sequence) instead of one padded sequence"
                  + " per row; a prompt prefix common to all sequences is still computed once per"
                  + " micro-batch. Less padding; does not change the result."));
  public static final RunSetting<Boolean> ACTIVATION_CHECKPOINTING =
      add(
          RunSetting.bool(
              "ppo.activation_checkpointing",
              false,
              "Recompute each decoder layer in the backward pass instead of keeping its activations"
                  + " (attention in query blocks): activation memory linear in the sequence length for"
                  + " about one more forward pass of compute. Pays where long sequences or large models"
                  + " press on memory (the orz-7b/32b profiles); a small model on CPU only loses time."
                  + " Does not change the result."));

  // Optimizer
  public static final RunSetting<Double> POLICY_LR =
      add(
          RunSetting.decimal(
              "optim.policy_lr",
              1e-6,
              atLeast(0),
              "Policy learning rate after warm-up (0 freezes the policy, e.g. to warm up the critic)."));
  public static final RunSetting<Double> CRITIC_LR =
      add(
          RunSetting.decimal(
              "optim.critic_lr", 5e-6, atLeast(0), "Critic learning rate after warm-up."));
  public static final RunSetting<Integer> WARMUP_STEPS =
      add(
          RunSetting.integer(
              "optim.warmup_steps", 50, atLeast(0), "Linear warm-up length in optimizer steps."));
  public static final RunSetting<Double> BETA1 =
      add(
          RunSetting.decimal(
              "optim.beta1",
              0.9,
              closedOpen(0, 1),
              "Adam β1. Below 1: the bias correction divides by 1 − β1^t."));
  public static final RunSetting<Double> BETA2 =
      add(
          RunSetting.decimal(
              "optim.beta2",
              0.95,
              closedOpen(0, 1),
              "Adam β2. Below 1: the bias correction divides by 1 − β2^t."));
  public static final RunSetting<Double> ADAM_EPSILON =
      add(
          RunSetting.decimal(
              "optim.epsilon",
              1e-8,
              greaterThan(0),
              "Adam ε. Above 0: it keeps the step finite where the second moment is 0."));
  public static final RunSetting<Double> WEIGHT_DECAY =
      add(
          RunSetting.decimal(
              "optim.weight_decay", 0.0, atLeast(0), "Decoupled weight decay (0 = plain Adam)."));
  public static final RunSetting<Double> GRAD_CLIP =
      add(
          RunSetting.decimal(
              "optim.grad_clip",
              1.0,
              greaterThan(0),
              "Global gradient-norm clip. Always on: one outlier batch unclipped can wreck a run."));

  // Model
  public static final RunSetting<ValueHeadInit> VALUE_HEAD_INIT =
      add(
          RunSetting.choice(
              "model.value_head_init",
              ValueHeadInit.UNIFORM,
              "Critic value head init: the paper's kaiming-uniform or the reference code's N(0, 1/(hidden+1))."));
  public static final RunSetting<ModelDtype> MODEL_DTYPE =
      add(
          RunSetting.choice(
              "model.dtype",
              ModelDtype.AUTO,
              "Compute dtype of generation and of the experience/update forwards (weights,"
                  + " activations, KV cache; logits and log-probs stay fp32). auto, resolved on each"
                  + " executor: bf16 on a GPU, fp32 on CPU. bf16 is refused on CPU."));

  // Update stage
  public static final RunSetting<Integer> UPDATE_REPLICAS =
      add(
          RunSetting.integer(
              "update.replicas",
              0,
              atLeast(0),
              "Data-parallel replicas in the update barrier stage (0 = all available task slots)."));
  public static final RunSetting<OptimizerSharding> UPDATE_SHARDING =
      add(
          RunSetting.choice(
              "update.sharding",
              OptimizerSharding.NONE,
              "Optimizer state across the update replicas: none (each holds all of it) or optimizer"
                  + " (ZeRO-1/2: each of K replicas keeps and updates 1/K of the Adam moments, gradients"
                  + " reduce-scattered and updated weights all-gathered; the same weights bit for bit,"
                  + " 1/K of the optimizer memory; each replica writes its own shard file)."));

  // Resources
  public static final RunSetting<Double> GPUS_PER_TASK =
      add(
          RunSetting.decimal(
                  "resources.gpus_per_task",
                  0.0,
                  atLeast(0),
                  "GPUs each rollout/update task requests through stage-level scheduling (0 = none).")
              // Spark's own rule for a task's resource amount, which it checks only when a stage
              // starts.
              .and(gpus -> gpus <= 1 || gpus == Math.rint(gpus), "at most 1 or a whole number"));

  // Evaluation and checkpoints
  public static final RunSetting<Integer> SAVE_EVERY =
      add(
          RunSetting.integer(
              "checkpoint.keep_every",
              50,
              atLeast(1),
              "Keep every N-th checkpoint when pruning (the latest two are always kept)."));

  public static final RunSetting<CheckpointDtype> CHECKPOINT_DTYPE =
      add(
          RunSetting.choice(
              "checkpoint.dtype",
              CheckpointDtype.FP32,
              "Dtype of the policy and critic weights in each checkpoint: fp32, or bf16 (half the"
                  + " bytes) with the fp32 master weights kept in the optimizer state, so a resumed"
                  + " update continues from the masters exactly as an uninterrupted run."));

  /** All settings, in declaration order. */
  public static Map<String, RunSetting<?>> all() {
    return java.util.Collections.unmodifiableMap(ALL);
  }

  /** The setting of a key, or an error listing the valid keys. */
  public static RunSetting<?> byKey(String key) {
    RunSetting<?> setting = ALL.get(key);
    if (setting == null) {
      throw new IllegalArgumentException(
          "unknown setting '" + key + "'; valid settings: " + String.join(", ", ALL.keySet()));
    }
    return setting;
  }
}
