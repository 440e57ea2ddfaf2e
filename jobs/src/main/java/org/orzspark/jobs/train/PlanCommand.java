package org.orzspark.jobs.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.orzspark.model.Qwen2Config;
import org.orzspark.plan.ByteSize;
import org.orzspark.plan.ComputePlan;
import org.orzspark.plan.MemoryPlan;
import org.orzspark.plan.ModelArithmetic;
import org.orzspark.plan.ModelMemory;
import org.orzspark.plan.ModelShapes;
import org.orzspark.plan.Precision;
import org.orzspark.plan.SequenceLengths;
import org.orzspark.plan.TrainingSetup;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code orz plan}: what a profile needs per GPU and per iteration, before anything runs and
 * without Spark. The settings resolve as {@code orz settings} resolves them; the arithmetic is
 * {@code org.orzspark.plan}'s.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Print what a run of a profile needs: memory per GPU by part (weights, gradients, optimizer"
          + " shards, activations, KV cache) for the policy and the critic, whether it fits"
          + " ('fits: yes' or 'fits: no (what overflows)'), the largest rollout batch per GPU, and"
          + " GPU-hours per iteration at a stated FLOP rate, with the formulas.",
      "The model's shape comes from --model-config, --model, or the profile (orz-7b: qwen2.5-7b,"
          + " orz-32b: qwen2.5-32b, tiny-cpu: tiny). No Spark runs."
    })
public final class PlanCommand implements Callable<Integer> {

  /** The base model each packed profile is written for (a profile names no model itself). */
  static final Map<String, String> PROFILE_MODELS =
      Map.of("orz-7b", "qwen2.5-7b", "orz-32b", "qwen2.5-32b", "tiny-cpu", "tiny");

  @Mixin RunConfigOptions configuration = new RunConfigOptions();

  @Option(names = "--gpus", required = true, description = "GPUs the run has.")
  int gpus;

  @Option(
      names = "--gpu-memory",
      required = true,
      paramLabel = "SIZE",
      description =
          "Memory of one GPU with a unit, as Spark writes sizes (1g = 2^30 bytes), e.g. 80g.")
  String gpuMemory;

  @Option(
      names = "--tflops",
      defaultValue = "400",
      description = "Sustained TFLOP/s per GPU the GPU-hours assume (default: ${DEFAULT-VALUE}).")
  double tflops;

  @Option(
      names = "--model",
      description =
          "Model shape by name: tiny, small, qwen2.5-0.5b, qwen2.5-1.5b, qwen2.5-7b, qwen2.5-32b"
              + " (default: the profile's base model).")
  String model;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description =
          "A Hugging Face config.json (Qwen2) for the model shape instead (default: none).")
  Path modelConfig;

  @Option(
      names = "--mean-response-tokens",
      description =
          "Expected response length for the compute estimate; unknown before running"
              + " (default: half of rollout.max_response_tokens).")
  Integer meanResponseTokens;

  @Option(
      names = "--mean-prompt-tokens",
      description =
          "Expected prompt length for the compute estimate (default: data.max_prompt_tokens,"
              + " an upper bound).")
  Integer meanPromptTokens;

  @Option(
      names = "--precision",
      defaultValue = "mixed",
      description =
          "mixed: issue 15's GPU plan (bf16 weights, gradients, activations and KV cache;"
              + " fp32 master weights and Adam moments); fp32: today's engine (default: ${DEFAULT-VALUE}).")
  Precision precision;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (gpus < 1) {
      throw new IllegalArgumentException("--gpus must be at least 1, got " + gpus);
    }
    if (!(tflops > 0) || Double.isInfinite(tflops)) {
      throw new IllegalArgumentException("--tflops must be a positive number, got " + tflops);
    }
    long memory;
    try {
      memory = ByteSize.parse(gpuMemory);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--gpu-memory: " + e.getMessage(), e);
    }
    Profiles.Profile profile = configuration.profile();
    RunConfig config =
        RunConfig.resolve("", "", profile.name(), profile.settings(), configuration.overrides());
    PrintWriter out = spec.commandLine().getOut();
    render(profile.name(), config, memory).forEach(out::println);
    out.flush();
    return 0;
  }

  /** The plan's lines for {@code config} on {@link #gpus} GPUs of {@code memory} bytes. */
  private List<String> render(String profileName, RunConfig config, long memory)
      throws IOException {
    String modelName = modelName(profileName);
    Qwen2Config shape = shape(modelName);
    List<String> notes = new ArrayList<>();
    boolean checkpointing =
        Boolean.parseBoolean(
            planned(
                config,
                "ppo.activation_checkpointing",
                Boolean.toString(profileName.equals("orz-7b") || profileName.equals("orz-32b")),
                "issue 15 plans it on for orz-7b/32b, off elsewhere",
                notes));
    int configuredReplicas = config.get(RunSettings.UPDATE_REPLICAS);
    int replicas = configuredReplicas > 0 ? configuredReplicas : gpus;
    boolean sharded =
        "optimizer"
            .equalsIgnoreCase(
                planned(
                    config,
                    "update.sharding",
                    "optimizer",
                    "issue 15's ZeRO-1/2 plan, one optimizer shard per update replica",
                    notes));
    int shards = sharded ? replicas : 1;

    SequenceLengths longest =
        new SequenceLengths(
            config.get(RunSettings.MAX_PROMPT_TOKENS), config.get(RunSettings.MAX_RESPONSE_TOKENS));
    SequenceLengths mean =
        new SequenceLengths(
            within(
                "--mean-prompt-tokens",
                meanPromptTokens,
                longest.promptTokens(),
                longest.promptTokens()),
            within(
                "--mean-response-tokens",
                meanResponseTokens,
                Math.max(1, longest.responseTokens() / 2),
                longest.responseTokens()));
    int rows = config.get(RunSettings.ROLLOUT_BATCH_SEQUENCES);
    TrainingSetup setup =
        new TrainingSetup(
            precision, checkpointing, shards, config.get(RunSettings.MICRO_BATCH_TOKENS));
    MemoryPlan memoryPlan = MemoryPlan.of(shape, setup, longest, rows, memory);
    long prompts = config.get(RunSettings.PROMPTS_PER_ITERATION);
    long samples = config.get(RunSettings.SAMPLES_PER_PROMPT);
    ComputePlan compute = ComputePlan.of(shape, prompts, samples, mean, checkpointing);

    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "orz plan: profile %s, model %s: policy %,d parameters, critic %,d;"
                + " %s x %s at %s TFLOP/s",
            profileName,
            modelName,
            ModelArithmetic.policyParameters(shape),
            ModelArithmetic.criticParameters(shape),
            gpuCount(),
            ByteSize.format(memory),
            number(tflops)));
    lines.add(
        String.format(
            Locale.ROOT,
            "  shape: V %,d, h %,d, i %,d, L %d, %d query heads, %d KV heads of %d, %s",
            shape.vocabSize(),
            shape.hiddenSize(),
            shape.intermediateSize(),
            shape.numHiddenLayers(),
            shape.numAttentionHeads(),
            shape.numKeyValueHeads(),
            shape.headDim(),
            shape.tieWordEmbeddings() ? "tied LM head" : "untied LM head"));
    lines.add(
        "precision "
            + precision
            + ": "
            + precision.dtype()
            + " weights, gradients, activations and KV cache; "
            + precision.optimizerContents()
            + " in the optimizer");
    lines.addAll(notes);
    lines.add(
        "update replicas "
            + replicas
            + (configuredReplicas > 0
                ? " (update.replicas)"
                : " (update.replicas = 0: one per GPU)")
            + ", optimizer shards "
            + shards
            + ", activation checkpointing "
            + (checkpointing ? "on" : "off"));
    lines.add("");
    lines.addAll(memoryLines(memoryPlan, setup, longest));
    lines.add("");
    lines.addAll(computeLines(compute, prompts, samples, mean));
    lines.add("");
    lines.addAll(formulas(checkpointing));
    return lines;
  }

  /** A row of the memory table: what, the policy's bytes, the critic's bytes. */
  private static String memoryRow(String what, String policy, String critic) {
    return String.format(Locale.ROOT, "  %-58s %12s %12s", what, policy, critic);
  }

  /** A phase's peak bytes of the GPU's memory. */
  private static String phaseRow(String what, String bytes, String memory) {
    return String.format(Locale.ROOT, "%-60s %12s of %s", what, bytes, memory);
  }

  /** The memory table, the phases' totals, whether it fits and the largest rollout batch. */
  private List<String> memoryLines(MemoryPlan plan, TrainingSetup setup, SequenceLengths longest) {
    ModelMemory policy = plan.policy();
    ModelMemory critic = plan.critic();
    String dtype = precision.dtype();
    String memory = ByteSize.format(plan.gpuMemory());
    return List.of(
        String.format(Locale.ROOT, "%-60s %12s %12s", "memory per GPU", "policy", "critic"),
        memoryRow(
            "weights (" + dtype + ")",
            ByteSize.format(policy.weights()),
            ByteSize.format(critic.weights())),
        memoryRow(
            "gradients (" + dtype + ", whole until reduced)",
            ByteSize.format(policy.gradients()),
            ByteSize.format(critic.gradients())),
        memoryRow(
            "optimizer shard (" + precision.optimizerContents() + ") / " + setup.optimizerShards(),
            ByteSize.format(policy.optimizer()),
            ByteSize.format(critic.optimizer())),
        memoryRow(
            String.format(
                Locale.ROOT,
                "activations (micro-batch of %,d tokens, %s)",
                plan.activationTokens(),
                setup.activationCheckpointing() ? "checkpointed" : "not checkpointed"),
            ByteSize.format(policy.activations()),
            ByteSize.format(critic.activations())),
        memoryRow(
            String.format(
                Locale.ROOT,
                "KV cache (%d rows x %,d tokens, %s)",
                plan.rolloutRows(),
                longest.sequenceTokens(),
                dtype),
            ByteSize.format(plan.kvCacheBytes()),
            "-"),
        phaseRow(
            "update phase (both models' states, one's activations)",
            ByteSize.format(plan.updateBytes()),
            memory),
        phaseRow(
            "rollout phase (policy weights + KV cache)",
            ByteSize.format(plan.rolloutBytes()),
            memory),
        plan.fits() ? "fits: yes" : "fits: no (" + String.join("; ", plan.overflows()) + ")",
        String.format(
            Locale.ROOT,
            "largest rollout batch per GPU: %,d rows of %,d tokens"
                + " (%s left after the policy weights, %s of KV cache per row)",
            plan.largestRolloutRows(),
            longest.sequenceTokens(),
            ByteSize.format(Math.max(0, plan.gpuMemory() - policy.weights())),
            ByteSize.format(plan.kvBytesPerRow())));
  }

  /** FLOPs and GPU-hours per phase and in all, at {@link #tflops}. */
  private List<String> computeLines(
      ComputePlan compute, long prompts, long samples, SequenceLengths mean) {
    double rate = tflops * 1e12;
    double gpuHours = ComputePlan.gpuHours(compute.total(), rate);
    String phase = "  %-12s %10.3e FLOPs %10.3f GPU-hours";
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "compute per iteration: %,d prompts x %,d samples, mean %,d prompt + %,d"
                + " response tokens; %,d generated tokens, %,d trained tokens per model",
            prompts,
            samples,
            mean.promptTokens(),
            mean.responseTokens(),
            prompts * samples * mean.responseTokens(),
            prompts * samples * mean.sequenceTokens()));
    Map<String, Double> phases = new LinkedHashMap<>();
    phases.put("prefill", compute.prefill());
    phases.put("generation", compute.generation());
    phases.put("experience", compute.experience());
    phases.put("training", compute.training());
    phases.put("total", compute.total());
    phases.forEach(
        (name, flops) ->
            lines.add(
                String.format(Locale.ROOT, phase, name, flops, ComputePlan.gpuHours(flops, rate))));
    lines.add(
        String.format(
            Locale.ROOT,
            "GPU-hours per iteration: %.3f at %s TFLOP/s per GPU;"
                + " %.1f minutes on %s if all stay busy",
            gpuHours,
            number(tflops),
            gpuHours * 60 / gpus,
            gpuCount()));
    return lines;
  }

  private List<String> formulas(boolean checkpointing) {
    int b = precision.valueBytes();
    return List.of(
        "formulas (P parameters; b = "
            + b
            + " bytes of "
            + precision.dtype()
            + "; K optimizer shards;"
            + " V, h, i, L as in the shape; kv = KV heads x head width):",
        "  weights = gradients = P*b; optimizer shard = P*"
            + precision.optimizerBytesPerParameter()
            + "/K; critic P = policy P - untied LM head V*h + value head h",
        "  KV cache = rows * (max prompt + max response) * 2*L*kv*b",
        "  activations = tokens * "
            + (checkpointing ? "(L*h + 7h + 3kv + 4i)" : "L*(7h + 3kv + 4i)")
            + " * b"
            + (checkpointing
                ? " (layer inputs + one layer recomputed)"
                : " (every layer's saved tensors)")
            + "; attention in query blocks, no B*T*V log-softmax",
        "  update phase = states of policy and critic + the larger activations; rollout = policy weights + KV cache",
        "  forward(T tokens after C cached) = 2*N*T + 4*L*h*(C*T + T*(T+1)/2); N = parameters that multiply"
            + " each token (all but the embedding lookup)",
        "  prefill = prompts * forward(prompt); generation = responses * forward(response after prompt)"
            + " = 2*N per generated token plus attention",
        "  experience = responses * forward(prompt + response) of policy and critic;"
            + " training = "
            + (checkpointing ? "4" : "3")
            + " x experience ("
            + (checkpointing ? "8" : "6")
            + "*N per trained token plus attention"
            + (checkpointing ? ", recomputation included)" : ")"),
        "  GPU-hours = FLOPs / (TFLOP/s * 1e12) / 3600");
  }

  /** The model name: --model, else the file of --model-config, else the profile's base model. */
  private String modelName(String profileName) {
    if (model != null && modelConfig != null) {
      throw new IllegalArgumentException("give --model or --model-config, not both");
    }
    if (modelConfig != null) {
      return modelConfig.toString();
    }
    if (model != null) {
      return model.toLowerCase(Locale.ROOT);
    }
    String named = PROFILE_MODELS.get(profileName);
    if (named == null) {
      throw new IllegalArgumentException(
          "profile "
              + profileName
              + " names no base model: give --model ("
              + String.join(", ", ModelShapes.NAMES)
              + ") or --model-config FILE");
    }
    return named;
  }

  private Qwen2Config shape(String modelName) throws IOException {
    if (modelConfig == null) {
      return ModelShapes.named(modelName);
    }
    try {
      return Qwen2Config.read(modelConfig);
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      // An unreadable config is the caller's to fix, like a missing one.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * The value of {@code key}, a setting issue 15 plans: while this build does not declare it, the
   * plan assumes {@code assumed} and adds a line saying so to {@code notes}.
   */
  private static String planned(
      RunConfig config, String key, String assumed, String why, List<String> notes) {
    if (RunSettings.all().containsKey(key)) {
      return config.settings().get(key);
    }
    notes.add(
        "assumed " + key + " = " + assumed + ": " + why + " (the setting does not exist yet)");
    return assumed;
  }

  /** {@code given}, checked to lie in [1, max], or {@code otherwise} when not given. */
  private static long within(String option, Integer given, long otherwise, long max) {
    if (given == null) {
      return otherwise;
    }
    if (given < 1 || given > max) {
      throw new IllegalArgumentException(
          option + " must be between 1 and the profile's maximum " + max + ", got " + given);
    }
    return given;
  }

  private String gpuCount() {
    return gpus + (gpus == 1 ? " GPU" : " GPUs");
  }

  /** 400 rather than 400.0. */
  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
