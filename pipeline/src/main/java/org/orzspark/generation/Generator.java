package org.orzspark.generation;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.orzspark.model.GradMode;
import org.orzspark.model.KvCache;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.Qwen2Decoder;
import org.orzspark.model.TokenBatch;
import org.orzspark.timing.Stopwatch;

/**
 * Batched sampling with a KV cache.
 *
 * <p>Requests are split into batches of at most {@code maxBatchRows} sequences. In a batch, each
 * prompt is left-padded to the longest and run through the model once (prefill); its keys and
 * values are then copied into the cache rows of its samples (prompt-prefix sharing), and all rows
 * decode one token per step. Finished rows leave the cache, so the batch shrinks as responses end.
 * Every step's arrays live in a sub-manager closed after the step. The engine forms each next-token
 * distribution; the token is drawn in Java with the uniform number of {@link SampleRandom}, so a
 * sample's tokens depend only on (seed, prompt id, sample index) and the weights. Batch composition
 * can change the logits only by float rounding (matmul blocking, padding width), which changes a
 * token only if its uniform number falls within that rounding of a boundary of the cumulative
 * distribution.
 *
 * <p>Autograd is switched off in the calling thread for the duration of a call (PyTorch's grad mode
 * is per thread). A {@code Generator} may be used by several threads at once.
 */
public final class Generator {
  public static final int DEFAULT_MAX_BATCH_ROWS = 256;

  private final PolicyModel policy;
  private final Function<int[], String> decoder;
  private final long seed;
  private final int maxBatchRows;

  /** Each token's text on its own, decoded once per generator (for {@link #mayEndStopString}). */
  private final Map<Integer, String> tokenTexts = new ConcurrentHashMap<>();

  /**
   * @param decoder token ids → text, for stop strings and the samples' text; null when sampling
   *     uses no stop strings (texts are then empty)
   * @param seed the seed all sampling decisions derive from
   */
  public Generator(
      PolicyModel policy, Function<int[], String> decoder, long seed, int maxBatchRows) {
    if (maxBatchRows <= 0) {
      throw new IllegalArgumentException("maxBatchRows must be positive");
    }
    this.policy = policy;
    this.decoder = decoder;
    this.seed = seed;
    this.maxBatchRows = maxBatchRows;
  }

  public Generator(PolicyModel policy, Function<int[], String> decoder, long seed) {
    this(policy, decoder, seed, DEFAULT_MAX_BATCH_ROWS);
  }

  /** Samples for every request; the result is in request order, then sample index. */
  public List<GeneratedSample> generate(List<PromptRequest> requests, SamplingParams params) {
    return generateWithStats(requests, params, sample -> {}).samples();
  }

  /**
   * As {@link #generate}, with statistics; {@code onFinished} sees each sample as it finishes (from
   * the calling thread), e.g. for a progress bar.
   */
  public GenerationResult generateWithStats(
      List<PromptRequest> requests, SamplingParams params, Consumer<GeneratedSample> onFinished) {
    validate(requests, params);
    List<List<Unit>> batches = batches(requests);
    int[] firstSlot = new int[requests.size()];
    int total = 0;
    for (int i = 0; i < requests.size(); i++) {
      firstSlot[i] = total;
      total += requests.get(i).numSamples();
    }
    GeneratedSample[] results = new GeneratedSample[total];
    Counters counters = new Counters();
    Device device = policy.parameters().valueAt(0).getArray().getDevice();
    try (GradMode noGrad = GradMode.disabled();
        NDManager root = NDManager.newBaseManager(device)) {
      for (List<Unit> batch : batches) {
        runBatch(
            batch,
            requests,
            params,
            root,
            counters,
            sequence -> {
              GeneratedSample sample = finish(sequence, params);
              results[
                      firstSlot[sequence.request]
                          + sequence.sampleIndex
                          - requests.get(sequence.request).firstSampleIndex()] =
                  sample;
              onFinished.accept(sample);
            });
      }
    }
    GenerationStats stats =
        new GenerationStats(
            total,
            batches.size(),
            counters.prefillTokens,
            counters.generatedTokens,
            counters.decodeSteps,
            counters.prefillNanos,
            counters.decodeNanos);
    return new GenerationResult(List.of(results), stats);
  }

  /** Refuses requests the model cannot run, before any work starts. */
  private void validate(List<PromptRequest> requests, SamplingParams params) {
    if (decoder == null && !params.stopStrings().isEmpty()) {
      throw new IllegalArgumentException(
          String.format(
              "stop strings %s need a decoder; pass one or sample without stop strings",
              params.stopStrings()));
    }
    Qwen2Config config = policy.config();
    for (PromptRequest request : requests) {
      int length = request.promptTokens().length;
      if (length + params.maxNewTokens() > config.maxPositionEmbeddings()) {
        throw new IllegalArgumentException(
            String.format(
                "prompt '%s': %d prompt tokens + %d new tokens exceed max_position_embeddings %d",
                request.promptId(), length, params.maxNewTokens(), config.maxPositionEmbeddings()));
      }
      for (int token : request.promptTokens()) {
        if (token < 0 || token >= config.vocabSize()) {
          throw new IllegalArgumentException(
              String.format(
                  "prompt '%s': token %d outside the vocabulary [0, %d)",
                  request.promptId(), token, config.vocabSize()));
        }
      }
    }
  }

  /** A run of samples of one request, all in the same batch. */
  private record Unit(int request, int firstSample, int count) {}

  private static final class Counters {
    long prefillTokens;
    long generatedTokens;
    long decodeSteps;
    long prefillNanos;
    long decodeNanos;
  }

  /** One response being generated. */
  private static final class Sequence {
    final int request;
    final String promptId;
    final int sampleIndex;
    final int promptLength;
    final int[] tokens;
    final float[] logprobs;
    int size;
    String finishReason;

    Sequence(int request, String promptId, int sampleIndex, int promptLength, int capacity) {
      this.request = request;
      this.promptId = promptId;
      this.sampleIndex = sampleIndex;
      this.promptLength = promptLength;
      this.tokens = new int[capacity];
      this.logprobs = new float[capacity];
    }

    int last() {
      return tokens[size - 1];
    }
  }

  /** Splits requests into units of at most maxBatchRows samples and packs them into batches. */
  private List<List<Unit>> batches(List<PromptRequest> requests) {
    List<List<Unit>> batches = new ArrayList<>();
    List<Unit> current = new ArrayList<>();
    int rows = 0;
    for (int r = 0; r < requests.size(); r++) {
      PromptRequest request = requests.get(r);
      for (int done = 0; done < request.numSamples(); done += maxBatchRows) {
        int count = Math.min(maxBatchRows, request.numSamples() - done);
        if (rows + count > maxBatchRows) {
          batches.add(current);
          current = new ArrayList<>();
          rows = 0;
        }
        current.add(new Unit(r, request.firstSampleIndex() + done, count));
        rows += count;
      }
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  private void runBatch(
      List<Unit> units,
      List<PromptRequest> requests,
      SamplingParams params,
      NDManager root,
      Counters counters,
      Consumer<Sequence> finished) {
    Qwen2Config config = policy.config();
    int prompts = units.size();
    int longest =
        units.stream()
            .mapToInt(u -> requests.get(u.request()).promptTokens().length)
            .max()
            .orElseThrow();
    int capacity = longest + params.maxNewTokens();
    int[] tokens = new int[prompts * longest];
    int[] segments = new int[prompts * longest];
    boolean[] keyValid = new boolean[prompts * capacity];
    for (int p = 0; p < prompts; p++) {
      int[] prompt = requests.get(units.get(p).request()).promptTokens();
      int pad = longest - prompt.length;
      System.arraycopy(prompt, 0, tokens, p * longest + pad, prompt.length);
      Arrays.fill(segments, p * longest + pad, (p + 1) * longest, 1);
      Arrays.fill(keyValid, p * capacity + pad, (p + 1) * capacity, true);
    }
    try (KvCache cache = KvCache.allocate(root, config, prompts, capacity, keyValid)) {
      Stopwatch clock = Stopwatch.start();
      List<Sequence> rows = new ArrayList<>();
      int[] rowPrompt = new int[units.stream().mapToInt(Unit::count).sum()];
      for (int p = 0; p < prompts; p++) {
        Unit unit = units.get(p);
        PromptRequest request = requests.get(unit.request());
        for (int s = 0; s < unit.count(); s++) {
          rowPrompt[rows.size()] = p;
          rows.add(
              new Sequence(
                  unit.request(),
                  request.promptId(),
                  unit.firstSample() + s,
                  request.promptTokens().length,
                  params.maxNewTokens()));
        }
      }
      HostDraws draws;
      try (NDManager step = root.newSubManager()) {
        NDList inputs =
            Qwen2Decoder.inputs(TokenBatch.of(prompts, longest, tokens, segments), step);
        NDArray hidden =
            policy.decoder().forward(inputs.get(0), inputs.get(1), inputs.get(2), cache);
        NDArray promptLogits = policy.logits(hidden.get(":, -1, :"));
        NDArray rowLogits =
            promptLogits.get(
                new NDIndex("{}", step.create(rowPrompt).toType(DataType.INT64, false)));
        draws = draw(rowLogits, rows, params);
      }
      counters.prefillNanos += clock.restart();
      counters.prefillTokens += (long) prompts * longest;
      cache.selectRows(rowPrompt);
      int running = rows.size();
      while (true) {
        for (int i = 0; i < rows.size(); i++) {
          Sequence sequence = rows.get(i);
          if (sequence.finishReason != null) {
            continue;
          }
          sequence.tokens[sequence.size] = draws.tokens()[i];
          sequence.logprobs[sequence.size] = draws.logProbs()[i];
          sequence.size++;
          counters.generatedTokens++;
          sequence.finishReason = finishReason(sequence, params);
          if (sequence.finishReason != null) {
            finished.accept(sequence);
            running--;
          }
        }
        if (running == 0) {
          break;
        }
        if (shouldCompact(rows.size(), running)) {
          int[] keep =
              IntStream.range(0, rows.size())
                  .filter(i -> rows.get(i).finishReason == null)
                  .toArray();
          cache.selectRows(keep);
          List<Sequence> kept = new ArrayList<>();
          for (int i : keep) {
            kept.add(rows.get(i));
          }
          rows.clear();
          rows.addAll(kept);
        }
        draws = decodeStep(rows, cache, root, params);
        counters.decodeSteps++;
      }
      counters.decodeNanos += clock.nanos();
    }
  }

  /**
   * Finished rows stay in the cache (their outputs ignored) until they are an eighth of it:
   * dropping them copies the whole cache, which costs about as much as a decode step.
   */
  static boolean shouldCompact(int rows, int running) {
    return running < rows && 8 * (rows - running) >= rows;
  }

  /**
   * One forward of the last token of every sequence in the cache (finished ones included); returns
   * the next token of each.
   */
  private HostDraws decodeStep(
      List<Sequence> sequences, KvCache cache, NDManager root, SamplingParams params) {
    int rows = sequences.size();
    long[] ids = new long[rows];
    float[] positions = new float[rows];
    for (int i = 0; i < rows; i++) {
      Sequence sequence = sequences.get(i);
      ids[i] = sequence.last();
      positions[i] = sequence.promptLength + sequence.size - 1;
    }
    try (NDManager step = root.newSubManager()) {
      NDArray hidden =
          policy
              .decoder()
              .forward(
                  step.create(ids, new Shape(rows, 1)),
                  step.create(positions, new Shape(rows, 1)),
                  cache.keyBias(1, step),
                  cache);
      return draw(policy.logits(hidden.squeeze(1)), sequences, params);
    }
  }

  /** Tokens drawn on the engine, copied to the host: one id and one log-probability per row. */
  private record HostDraws(int[] tokens, float[] logProbs) {}

  /**
   * Draws the next token of every row of {@code logits} [rows, V] on the engine with the rows'
   * uniform numbers (finished rows get 0 and their draw is ignored).
   */
  private HostDraws draw(NDArray logits, List<Sequence> sequences, SamplingParams params) {
    float[] uniforms = new float[sequences.size()];
    for (int i = 0; i < uniforms.length; i++) {
      Sequence sequence = sequences.get(i);
      if (sequence.finishReason == null) {
        uniforms[i] =
            (float)
                SampleRandom.uniform(seed, sequence.promptId, sequence.sampleIndex, sequence.size);
      }
    }
    TokenSampler.Draws draws =
        TokenSampler.draw(logits, logits.getManager().create(uniforms), params);
    return new HostDraws(
        draws.tokens().toType(DataType.INT32, false).toIntArray(), draws.logProbs().toFloatArray());
  }

  /** STOP on EOS or a completed stop string, LENGTH at the limit, else null (continue). */
  private String finishReason(Sequence sequence, SamplingParams params) {
    if (params.isEos(sequence.last())) {
      return GeneratedSample.STOP;
    }
    if (!params.stopStrings().isEmpty() && mayEndStopString(sequence.last(), params)) {
      // a stop string of k characters spans at most k tokens; decode a window, confirm on the whole
      int window = StopStrings.longest(params.stopStrings()) + 4;
      int from = Math.max(0, sequence.size - window);
      String tail = decoder.apply(Arrays.copyOfRange(sequence.tokens, from, sequence.size));
      if (StopStrings.first(tail, params.stopStrings()) != null
          && StopStrings.first(
                  decoder.apply(Arrays.copyOf(sequence.tokens, sequence.size)),
                  params.stopStrings())
              != null) {
        return GeneratedSample.STOP;
      }
    }
    return sequence.size == params.maxNewTokens() ? GeneratedSample.LENGTH : null;
  }

  /**
   * Whether {@code token} can complete a stop string: its own text holds the last character of one.
   * Exact for stop strings ending in ASCII under byte-level tokenizers (a token that completes such
   * a string carries that byte itself); with another last character every token may.
   */
  private boolean mayEndStopString(int token, SamplingParams params) {
    String text = tokenTexts.computeIfAbsent(token, id -> decoder.apply(new int[] {id}));
    for (String stop : params.stopStrings()) {
      char last = stop.charAt(stop.length() - 1);
      if (last >= 0x80 || text.indexOf(last) >= 0) {
        return true;
      }
    }
    return false;
  }

  private GeneratedSample finish(Sequence sequence, SamplingParams params) {
    int[] tokens = Arrays.copyOf(sequence.tokens, sequence.size);
    String text = "";
    if (decoder != null) {
      int textTokens = params.isEos(sequence.last()) ? sequence.size - 1 : sequence.size;
      text =
          StopStrings.truncate(
              decoder.apply(Arrays.copyOf(tokens, textTokens)),
              params.stopStrings(),
              params.keptStopStrings());
    }
    return new GeneratedSample(
        sequence.promptId,
        sequence.sampleIndex,
        tokens,
        Arrays.copyOf(sequence.logprobs, sequence.size),
        sequence.finishReason,
        text);
  }
}
