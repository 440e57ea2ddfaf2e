package org.orzspark.jobs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.orzspark.generation.GenerationResult;
import org.orzspark.generation.GenerationStats;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz bench rollout}: the speed of batched KV-cache generation on this machine, against the
 * fp32 matmul throughput DJL reaches here. A random-weight model of a named size decodes exactly
 * {@code --new-tokens} tokens per sequence (no EOS, no stop strings), so every run does the same
 * work.
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Generation throughput, MFU against measured fp32 matmul peak, prefill vs decode.")
public final class BenchRolloutCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      description = "Model size: tiny (~1M) or small (~10M) (default: ${DEFAULT-VALUE}).")
  String config = "small";

  @Option(
      names = "--batch",
      description = "Sequences decoded together (default: ${DEFAULT-VALUE}).")
  int batch = 256;

  @Option(
      names = "--new-tokens",
      description = "Tokens generated per sequence (default: ${DEFAULT-VALUE}).")
  int newTokens = 128;

  @Option(names = "--prompt-tokens", description = "Prompt length (default: ${DEFAULT-VALUE}).")
  int promptTokens = 64;

  @Option(
      names = "--samples-per-prompt",
      description = "Samples sharing one prompt's KV prefix (default: ${DEFAULT-VALUE}).")
  int samplesPerPrompt = 8;

  @Option(names = "--vocab", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
  int vocab = 1024;

  @Option(
      names = "--threads",
      description =
          "PyTorch intra-op threads (0: leave as configured, "
              + "e.g. by OMP_NUM_THREADS) (default: ${DEFAULT-VALUE}).")
  int threads = 0;

  @Option(
      names = "--seed",
      description = "Seed of weights, prompts and sampling (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  /**
   * Measured figures.
   *
   * @param matmulGflops fp32 GFLOP/s of a 1024³ matmul through DJL (best of several)
   * @param tokensPerSecond generated tokens per second (prefill included in the time)
   * @param mfu model FLOPs per second over matmulGflops
   * @param prefillSeconds time in prompt forwards
   * @param decodeSeconds time in decode steps and sampling
   * @param peakRssBytes peak resident memory of the process (VmHWM), native tensors included
   * @param cpuMatmulGflops the matmul's FLOPs per process CPU-second (insensitive to other load)
   * @param cpuMfu model FLOPs per process CPU-second of generation over cpuMatmulGflops
   */
  public record Result(
      String config,
      long parameters,
      int threads,
      double matmulGflops,
      GenerationStats stats,
      double tokensPerSecond,
      double modelGflops,
      double mfu,
      double prefillSeconds,
      double decodeSeconds,
      long peakRssBytes,
      double cpuMatmulGflops,
      double cpuMfu) {}

  @Override
  public Integer call() throws IOException {
    Result r = run(config, batch, newTokens, promptTokens, samplesPerPrompt, vocab, threads, seed);
    System.out.printf(
        "model            %s: %,d parameters, %d PyTorch threads%n",
        r.config(), r.parameters(), r.threads());
    System.out.printf(
        "fp32 matmul      %.1f GFLOP/s (1024x1024x1024 through DJL)%n", r.matmulGflops());
    System.out.printf(
        "generation       %d sequences x %d new tokens (%d prompts of %d tokens): "
            + "%,.0f tokens/s%n",
        r.stats().samples(),
        newTokens,
        r.stats().samples() / samplesPerPrompt,
        promptTokens,
        r.tokensPerSecond());
    System.out.printf(
        "model FLOPs      %.2f GFLOP/s = MFU %.1f%% of the measured matmul peak%n",
        r.modelGflops(), 100 * r.mfu());
    System.out.printf(
        "time             prefill %.3f s, decode %.3f s (%d steps, %.2f ms/step)%n",
        r.prefillSeconds(),
        r.decodeSeconds(),
        r.stats().decodeSteps(),
        1000 * r.decodeSeconds() / Math.max(1, r.stats().decodeSteps()));
    System.out.printf(
        "per CPU-second   matmul %.1f GFLOP, generation MFU %.1f%% (discounts CPU "
            + "time lost to other processes)%n",
        r.cpuMatmulGflops(), 100 * r.cpuMfu());
    System.out.printf("peak memory      %.0f MiB resident (VmHWM)%n", r.peakRssBytes() / 1048576.0);
    return 0;
  }

  /** Runs the benchmark (see the options for the parameters). */
  public static Result run(
      String configName,
      int batch,
      int newTokens,
      int promptTokens,
      int samplesPerPrompt,
      int vocab,
      int threads,
      long seed)
      throws IOException {
    if (batch % samplesPerPrompt != 0) {
      throw new IllegalArgumentException("--batch must be a multiple of --samples-per-prompt");
    }
    Qwen2Config config = Qwen2Config.named(configName).withVocabSize(vocab);
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(config, seed, manager)) {
      if (threads > 0) {
        // after the engine has loaded: its native library links then
        JniUtils.setNumThreads(threads);
      }
      double[] peak = matmulGflops(manager);
      SplittableRandom random = new SplittableRandom(seed);
      List<PromptRequest> requests = new ArrayList<>();
      for (int p = 0; p < batch / samplesPerPrompt; p++) {
        int[] prompt = random.ints(promptTokens, 0, vocab).toArray();
        requests.add(new PromptRequest("bench-" + p, prompt, 0, samplesPerPrompt));
      }
      SamplingParams params =
          new SamplingParams(1.0, 1.0, 0, newTokens, List.of(), List.of(), List.of());
      Generator generator = new Generator(policy, null, seed, batch);
      generator.generate(requests.subList(0, 1), params.withMaxNewTokens(4));
      long cpuBefore = processCpuNanos();
      GenerationResult result = generator.generateWithStats(requests, params, s -> {});
      double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
      GenerationStats stats = result.stats();
      double seconds = (stats.prefillNanos() + stats.decodeNanos()) / 1e9;
      double flops =
          generationFlops(
              config, batch / samplesPerPrompt, samplesPerPrompt, promptTokens, newTokens);
      return new Result(
          configName,
          config.parameterCount(),
          JniUtils.getNumThreads(),
          peak[0],
          stats,
          stats.generatedTokens() / seconds,
          flops / seconds / 1e9,
          flops / seconds / 1e9 / peak[0],
          stats.prefillNanos() / 1e9,
          stats.decodeNanos() / 1e9,
          peakRss(),
          peak[1],
          flops / cpuSeconds / 1e9 / peak[1]);
    }
  }

  /**
   * fp32 throughput of a 1024 × 1024 by 1024 × 1024 matmul (2·1024³ FLOPs each), repeated for at
   * least a second: {best single matmul in GFLOP per wall-second, all of them in GFLOP per process
   * CPU-second (CPU clocks tick coarsely, so only a long run measures them)}.
   */
  static double[] matmulGflops(NDManager parent) {
    int n = 1024;
    double flops = 2.0 * n * n * n;
    double best = 0;
    try (NDManager m = parent.newSubManager()) {
      NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
      NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
      a.matMul(b).close();
      long cpuStart = processCpuNanos();
      Stopwatch wall = Stopwatch.start();
      int count = 0;
      while (count < 5 || wall.nanos() < 1_000_000_000L) {
        Stopwatch clock = Stopwatch.start();
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0);
        }
        best = Math.max(best, flops / clock.seconds() / 1e9);
        count++;
      }
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      return new double[] {best, count * flops / cpuSeconds / 1e9};
    }
  }

  /** CPU time of this process, all threads (native ones included). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Model FLOPs of the run: 2 per multiply-accumulate. Per token through the model: 2·(matmul
   * parameters of the layers + LM head); attention adds 4·H per layer per attended position (scores
   * and weighted sum over all query heads). Prefill runs each prompt once; decoding runs every
   * sample's tokens after the first over a context of prompt + earlier response tokens.
   */
  static double generationFlops(
      Qwen2Config c, int prompts, int samplesPerPrompt, int promptTokens, int newTokens) {
    double h = c.hiddenSize();
    double kv = (double) c.numKeyValueHeads() * c.headDim();
    double layerMatmul = h * h * 2 + 2 * h * kv + 3 * h * c.intermediateSize();
    double perToken = 2 * (c.numHiddenLayers() * layerMatmul + (double) c.vocabSize() * h);
    double attentionPerPosition = 4 * h * c.numHiddenLayers();
    double prefill =
        prompts
            * (promptTokens * perToken
                + attentionPerPosition * promptTokens * (promptTokens + 1) / 2.0);
    double decode = 0;
    for (int step = 1; step < newTokens; step++) {
      decode += perToken + attentionPerPosition * (promptTokens + step);
    }
    return prefill + (double) prompts * samplesPerPrompt * decode;
  }

  /** Peak resident set size of this process (Linux VmHWM), or -1 where unavailable. */
  static long peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
