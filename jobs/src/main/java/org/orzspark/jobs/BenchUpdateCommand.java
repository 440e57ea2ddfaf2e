package org.orzspark.jobs;

import ai.djl.ndarray.NDManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.orzspark.model.ActivationMemory;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.plan.ModelShapes;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.GradientAllReduce;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.ValueLoss;
import org.orzspark.ppo.WarmupSchedule;
import org.orzspark.train.ExperienceRow;
import org.orzspark.train.ReplicaTrainer;
import org.orzspark.train.ScoredResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code orz bench update}: the peak memory of one PPO update (the policy's and the critic's
 * forward and backward passes and optimizer steps) on one sequence, per sequence length: how
 * activation memory grows with T. Each length runs in a fresh JVM (the resident high-water mark
 * only rises), which builds random models, takes one short update (so gradients and Adam moments
 * exist), resets the high-water mark to the resident size and takes the measured update. CPU only:
 * the figure is the process's resident memory (glibc's allocator set to unmap freed tensors).
 */
@Command(
    name = "update",
    mixinStandardHelpOptions = true,
    description =
        "Peak resident memory of one PPO update (policy + critic) on one sequence of each"
            + " length, above the baseline after the models, gradients and Adam moments exist; each"
            + " length in a fresh JVM. Prints 'tokens N peak MiB M' per length.")
public final class BenchUpdateCommand implements Callable<Integer> {

  @Option(
      names = "--tokens",
      split = ",",
      defaultValue = "1024,2048,4096,8192",
      description = "Sequence lengths (default: ${DEFAULT-VALUE}).")
  List<Integer> tokens;

  @Option(
      names = "--config",
      defaultValue = "small",
      description = "Model shape: tiny, small, qwen2.5-0.5b, ... (default: ${DEFAULT-VALUE}).")
  String config;

  @Option(names = "--layers", description = "Decoder layers (default: the shape's).")
  Integer layers;

  @Option(
      names = "--activations",
      defaultValue = "recompute_layers",
      description =
          "What the training forwards keep: keep (autograd keeps every activation, the"
              + " path before activation checkpointing), recompute_logits, recompute_layers"
              + " (ppo.activation_checkpointing = true) (default: ${DEFAULT-VALUE}).")
  String activations;

  @Spec CommandSpec spec;

  /** Set in the child JVM: measure this one length here and print its line. */
  @Option(
      names = "--measure",
      hidden = true,
      description =
          "Internal: the one length this JVM measures (default: none; the bench starts one JVM per"
              + " --tokens length with it).")
  Integer measure;

  /** The tokens of the short warm-up update that allocates gradients and Adam moments. */
  private static final int WARM_UP_TOKENS = 16;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ActivationMemory memory = activationMemory(activations);
    Qwen2Config shape = ModelShapes.named(config);
    if (layers != null) {
      if (layers < 1) {
        throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
      }
      shape = shape.withLayers(layers);
    }
    if (measure != null) {
      out.println(line(measure, peakAboveBaseline(shape, memory, measure)));
      out.flush();
      return 0;
    }
    for (int length : tokens) {
      if (length <= WARM_UP_TOKENS) {
        throw new IllegalArgumentException(
            "--tokens must be above " + WARM_UP_TOKENS + ", got " + length);
      }
    }
    List<Double> peaks = new ArrayList<>();
    for (int length : tokens) {
      String line = inFreshJvm(length);
      out.println(line);
      out.flush();
      peaks.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }
    if (tokens.size() > 1) {
      out.printf(
          Locale.ROOT,
          "ratio %d/%d %.1f%n",
          tokens.get(tokens.size() - 1),
          tokens.get(0),
          peaks.get(peaks.size() - 1) / peaks.get(0));
      out.flush();
    }
    return 0;
  }

  /** The line of one length: {@code tokens N peak MiB M}. */
  static String line(int length, long bytes) {
    return String.format(Locale.ROOT, "tokens %d peak MiB %.1f", length, bytes / (1024.0 * 1024));
  }

  static ActivationMemory activationMemory(String name) {
    for (ActivationMemory memory : ActivationMemory.values()) {
      if (memory.name().equalsIgnoreCase(name)) {
        return memory;
      }
    }
    throw new IllegalArgumentException(
        "unknown --activations '"
            + name
            + "'; valid: "
            + Arrays.stream(ActivationMemory.values())
                .map(m -> m.name().toLowerCase(Locale.ROOT))
                .toList());
  }

  /** Runs this command for one length in a new JVM with this one's class path and options. */
  private String inFreshJvm(int length) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    // The whole Java heap resident before the baseline: its growth is not the update's.
    command.addAll(List.of("-Xms" + Runtime.getRuntime().maxMemory(), "-XX:+AlwaysPreTouch"));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Orz.class.getName(),
            "bench",
            "update",
            "--config",
            config,
            "--activations",
            activations,
            "--measure",
            Integer.toString(length)));
    if (layers != null) {
      command.addAll(List.of("--layers", Integer.toString(layers)));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    // glibc serves freed large blocks again from its heap once its mmap threshold has adapted, so
    // its fragmentation would count as the update's; a fixed threshold maps every tensor on its
    // own and unmaps it when freed: the high-water mark is then the live arrays' peak.
    builder.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "131072");
    Process process = builder.start();
    String last = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        last = line;
      }
    }
    int status = process.waitFor();
    if (status != 0 || last == null || !last.startsWith("tokens ")) {
      throw new IllegalStateException(
          "the measurement of " + length + " tokens failed (exit " + status + ")");
    }
    return last;
  }

  /**
   * One update on a sequence of {@code length} tokens, after a short one: bytes of resident memory
   * the update's peak adds to what the models, gradients and optimizer states hold.
   */
  static long peakAboveBaseline(Qwen2Config shape, ActivationMemory memory, int length)
      throws IOException {
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(shape, 1, manager);
        CriticModel critic = CriticModel.random(shape, 2, ValueHeadInit.DEFAULT, manager);
        AdamW policyAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(1e-6, 1)), manager);
        AdamW criticAdam = new AdamW(AdamW.Config.orz(new WarmupSchedule(5e-6, 1)), manager)) {
      ReplicaTrainer trainer =
          new ReplicaTrainer(
              policy,
              critic,
              new ReplicaTrainer.Settings(
                  LossReduction.SEQUENCE_MEAN,
                  PolicyLoss.ORZ,
                  ValueLoss.CLIPPED,
                  1,
                  1,
                  length,
                  1,
                  memory,
                  false));
      update(trainer, experience(shape, WARM_UP_TOKENS), policyAdam, criticAdam);
      ExperienceRow row = experience(shape, length);
      long baseline = ResidentMemory.resetPeak();
      update(trainer, row, policyAdam, criticAdam);
      return ResidentMemory.peak() - baseline;
    }
  }

  private static void update(
      ReplicaTrainer trainer, ExperienceRow row, AdamW policyAdam, AdamW criticAdam) {
    ReplicaTrainer.Report report =
        trainer.update(
            List.of(row),
            0,
            new int[] {row.response().responseLength()},
            policyAdam,
            criticAdam,
            GradientAllReduce.LOCAL,
            () -> {});
    if (!report.allApplied()) {
      throw new IllegalStateException("the bench update took no step");
    }
  }

  /**
   * One random sequence of {@code length} tokens, an eighth of them prompt, with its experience.
   */
  private static ExperienceRow experience(Qwen2Config shape, int length) {
    SplittableRandom random = new SplittableRandom(length);
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = random.nextInt(shape.vocabSize());
    }
    ScoredResponse response = new ScoredResponse("bench", 0, ids, Math.max(1, length / 8), 1f);
    int n = response.responseLength();
    float[] oldLogProbs = new float[n];
    float[] advantages = new float[n];
    Arrays.fill(oldLogProbs, (float) -Math.log(shape.vocabSize()));
    for (int i = 0; i < n; i++) {
      advantages[i] = (float) random.nextGaussian();
    }
    float[] returns = new float[n];
    Arrays.fill(returns, 1f);
    return new ExperienceRow(response, oldLogProbs, new float[n], returns, advantages);
  }

  /** The resident-set figures of {@code /proc/self/status} (Linux). */
  static final class ResidentMemory {
    private ResidentMemory() {}

    /** Resets the high-water mark to the current resident size and returns that size. */
    static long resetPeak() throws IOException {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return status("VmHWM:");
    }

    /** The resident high-water mark, in bytes. */
    static long peak() throws IOException {
      return status("VmHWM:");
    }

    private static long status(String field) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
        }
      }
      throw new IOException("/proc/self/status has no " + field);
    }
  }
}
