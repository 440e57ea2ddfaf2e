package org.orzspark.jobs;

import ai.djl.Device;
import ai.djl.engine.Engine;
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
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.orzspark.generation.GenerationResult;
import org.orzspark.generation.GenerationStats;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SampleRandom;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.TorchThreads;
import org.orzspark.plan.ModelShapes;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz bench rollout}: the speed of generation (continuous batching over the block KV cache)
 * on this machine, against the fp32 matmul throughput DJL reaches here. A random-weight model of a
 * named size decodes without EOS or stop strings; each sequence's length is forced: {@code
 * --new-tokens} for all ({@code --lengths uniform}), or a seeded long-tail mix ({@link
 * #longTailLength}, {@code --lengths long-tail}), so every run of the same options does the same
 * work.
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Generation throughput, MFU against measured fp32 matmul peak, prefill vs decode.")
public final class BenchRolloutCommand implements Callable<Integer> {

  /** Forced response lengths. */
  public enum Lengths {
    UNIFORM,
    LONG_TAIL
  }

  @Option(
      names = "--config",
      description =
          "Model size: tiny (~1M), small (~10M) or qwen2.5-0.5b (its real shape, random weights)"
              + " (default: ${DEFAULT-VALUE}).")
  String config = "small";

  @Option(names = "--layers", description = "Decoder layers (default: the shape's).")
  Integer layers;

  @Option(
      names = "--batch",
      description = "Decode slots: sequences decoded together (default: ${DEFAULT-VALUE}).")
  int batch = 256;

  @Option(
      names = "--lengths",
      converter = LengthsConverter.class,
      description =
          "uniform: every sequence --new-tokens long; long-tail: --sequences-per-slot × --batch"
              + " sequences, 10%% running to --new-tokens and the rest stopping after 1 to"
              + " --new-tokens/8 tokens (seeded) (default: uniform).")
  Lengths lengths = Lengths.UNIFORM;

  @Option(
      names = "--sequences-per-slot",
      description =
          "Sequences per decode slot with --lengths long-tail (default: ${DEFAULT-VALUE}).")
  int sequencesPerSlot = 48;

  @Option(
      names = "--batching",
      description =
          "continuous: a finished sequence's slot is refilled at once; static: batches that drain"
              + " (the engine before continuous batching) (default: continuous).")
  String batching = "continuous";

  @Option(names = "--device", description = "cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device = "cpu";

  @Option(
      names = "--dtype",
      description = "Compute dtype: auto, fp32, bf16 or fp16 (default: ${DEFAULT-VALUE}).")
  String dtype = "auto";

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

  @Option(
      names = "--vocab",
      description =
          "Vocabulary size of tiny and small (qwen2.5-0.5b keeps its own) (default: 1024).")
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
    Result r = run();
    GenerationStats stats = r.stats();
    System.out.printf(
        "model            %s: %,d parameters, %d PyTorch threads%n",
        r.config(), r.parameters(), r.threads());
    System.out.printf(
        "fp32 matmul      %.1f GFLOP/s (1024x1024x1024 through DJL)%n", r.matmulGflops());
    System.out.printf(
        "generation       %d sequences (%s lengths, %,d tokens, %d slots, %s batching,"
            + " %d prompts of %d tokens): %,.0f tokens/s%n",
        stats.samples(),
        lengths.name().toLowerCase(Locale.ROOT).replace('_', '-'),
        stats.generatedTokens(),
        stats.slots(),
        batching,
        stats.samples() / samplesPerPrompt,
        promptTokens,
        r.tokensPerSecond());
    System.out.printf(
        "model FLOPs      %.2f GFLOP/s = MFU %.1f%% of the measured matmul peak%n",
        r.modelGflops(), 100 * r.mfu());
    System.out.printf(
        "time             prefill %.3f s, decode %.3f s (%d steps, %.2f ms/step)%n",
        r.prefillSeconds(),
        r.decodeSeconds(),
        stats.decodeSteps(),
        1000 * r.decodeSeconds() / Math.max(1, stats.decodeSteps()));
    System.out.printf(
        "per CPU-second   matmul %.1f GFLOP, generation MFU %.1f%% (discounts CPU "
            + "time lost to other processes)%n",
        r.cpuMatmulGflops(), 100 * r.cpuMfu());
    System.out.printf("slot utilisation %.1f%%%n", 100 * stats.slotUtilisation());
    System.out.printf(
        "host bytes per decode step %.0f (%.1f rows); to the engine %.0f per step%n",
        stats.hostBytesPerDecodeStep(),
        stats.meanRows(),
        stats.bytesFromHost() / (double) Math.max(1, stats.decodeSteps()));
    System.out.printf(
        "KV bytes per token %,d, peak bytes %,d%n", stats.kvBytesPerToken(), stats.peakKvBytes());
    System.out.printf("peak memory      %.0f MiB resident (VmHWM)%n", r.peakRssBytes() / 1048576.0);
    return 0;
  }

  /** Runs the benchmark with this command's options. */
  public Result run() throws IOException {
    if (batch % samplesPerPrompt != 0) {
      throw new IllegalArgumentException("--batch must be a multiple of --samples-per-prompt");
    }
    if (sequencesPerSlot < 4) {
      throw new IllegalArgumentException(
          "--sequences-per-slot must be at least 4 (a long tail needs a queue), got "
              + sequencesPerSlot);
    }
    Generator.Admission admission = admission(batching);
    Device engineDevice = device(device);
    checkDtype(dtype, engineDevice);
    Qwen2Config shape = ModelShapes.named(config);
    if (config.equals("tiny") || config.equals("small")) {
      shape = shape.withVocabSize(vocab);
    }
    if (layers != null) {
      if (layers < 1) {
        throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
      }
      shape = shape.withLayers(layers);
    }
    Qwen2Config model = shape;
    try (NDManager manager = NDManager.newBaseManager(engineDevice);
        PolicyModel policy = PolicyModel.random(model, seed, manager)) {
      if (threads > 0) {
        TorchThreads.set(threads);
      }
      double[] peak = matmulGflops(manager);
      int sequences = lengths == Lengths.UNIFORM ? batch : batch * sequencesPerSlot;
      SplittableRandom random = new SplittableRandom(seed);
      List<PromptRequest> requests = new ArrayList<>();
      for (int p = 0; p < sequences / samplesPerPrompt; p++) {
        int[] prompt = random.ints(promptTokens, 0, model.vocabSize()).toArray();
        requests.add(new PromptRequest("bench-" + p, prompt, 0, samplesPerPrompt));
      }
      SamplingParams params =
          new SamplingParams(1.0, 1.0, 0, newTokens, List.of(), List.of(), List.of());
      Generator generator =
          new Generator(policy, null, seed, batch, 0, admission)
              .withResponseLimit(
                  (promptId, sample) ->
                      lengths == Lengths.UNIFORM
                          ? newTokens
                          : longTailLength(seed, promptId, sample, newTokens));
      generator.generate(requests.subList(0, 1), params.withMaxNewTokens(4));
      long cpuBefore = processCpuNanos();
      GenerationResult result = generator.generateWithStats(requests, params, s -> {});
      double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
      GenerationStats stats = result.stats();
      double seconds = (stats.prefillNanos() + stats.decodeNanos()) / 1e9;
      int[] responseLengths =
          result.samples().stream().mapToInt(sample -> sample.tokens().length).toArray();
      double flops = generationFlops(model, requests.size(), promptTokens, responseLengths);
      return new Result(
          config,
          model.parameterCount(),
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
   * The forced length of a sample in the long-tail mix, a pure function of (seed, prompt id, sample
   * index): with probability 1/10 the limit, otherwise uniform in [1, max(1, limit / 8)]. Like an
   * RL run's responses: most short, a few running to the limit.
   */
  static int longTailLength(long seed, String promptId, int sample, int limit) {
    if (SampleRandom.uniform(seed, promptId, sample, -1) < 0.1) {
      return limit;
    }
    int shortest = Math.max(1, limit / 8);
    return 1 + (int) (SampleRandom.uniform(seed, promptId, sample, -2) * shortest);
  }

  private static Generator.Admission admission(String batching) {
    return switch (batching) {
      case "continuous" -> Generator.Admission.CONTINUOUS;
      case "static" -> Generator.Admission.STATIC;
      default ->
          throw new IllegalArgumentException(
              "--batching must be continuous or static, got " + batching);
    };
  }

  /** The engine device of {@code --device}; gpu needs a CUDA build of PyTorch and a GPU. */
  static Device device(String name) {
    return switch (name) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (Engine.getInstance().getGpuCount() == 0) {
          throw new IllegalArgumentException(
              "--device gpu needs a GPU: PyTorch here sees none (a CUDA libtorch and a GPU host;"
                  + " see the README's GPU section)");
        }
        yield Device.gpu();
      }
      default -> throw new IllegalArgumentException("--device must be cpu or gpu, got " + name);
    };
  }

  /** fp32 (and auto, which is fp32 on a CPU) runs anywhere; bf16 and fp16 need a GPU. */
  static void checkDtype(String dtype, Device device) {
    switch (dtype) {
      case "auto", "fp32" -> {}
      case "bf16", "fp16" -> {
        if (!device.isGpu()) {
          throw new IllegalArgumentException(
              "--dtype " + dtype + " needs a GPU (--device gpu); PyTorch on a CPU runs fp32");
        }
        throw new IllegalArgumentException(
            "--dtype "
                + dtype
                + " needs the model.dtype setting (issue 14 point 2), not in this build yet");
      }
      default ->
          throw new IllegalArgumentException(
              "--dtype must be auto, fp32, bf16 or fp16, got " + dtype);
    }
  }

  /** Parses {@code uniform} and {@code long-tail}. */
  static final class LengthsConverter implements CommandLine.ITypeConverter<Lengths> {
    @Override
    public Lengths convert(String value) {
      return switch (value) {
        case "uniform" -> Lengths.UNIFORM;
        case "long-tail" -> Lengths.LONG_TAIL;
        default ->
            throw new CommandLine.TypeConversionException(
                "--lengths must be uniform or long-tail, got " + value);
      };
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
   *
   * @param responseLengths every sample's response length in tokens
   */
  static double generationFlops(
      Qwen2Config c, int prompts, int promptTokens, int[] responseLengths) {
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
    for (int length : responseLengths) {
      // steps 1 .. length − 1 over promptTokens + step positions
      double steps = Math.max(0, length - 1);
      decode +=
          steps * (perToken + attentionPerPosition * promptTokens)
              + attentionPerPosition * steps * (steps + 1) / 2;
    }
    return prefill + decode;
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
