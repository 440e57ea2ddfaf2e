package org.orzspark.generation;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * Batched sampling with continuous batching over a block KV cache.
 *
 * <p><b>Slots.</b> Up to {@code maxBatchRows} sequences decode together, one token per row per
 * step. The samples wait in request order (then sample index); whenever rows finish, the next
 * waiting samples take the free slots, lowest slot first, before the next step ({@link
 * Admission#CONTINUOUS}), so the batch stays full until the queue is empty. Slot assignment is a
 * function of the request list and the tokens drawn, so the same request list (a retried task)
 * reproduces every row. {@link Admission#STATIC} admits only into an empty pool: static batches
 * that drain, kept to measure against.
 *
 * <p><b>KV cache.</b> Keys and values live in the blocks of a {@link KvCache}: a prompt is run
 * through the model once (prefill) when its first sample is admitted and its blocks are shared,
 * read-only, by all its samples; each sample's response takes blocks of its own as it grows, freed
 * when it finishes; the prompt's blocks are freed after its last sample. The cache's budget ({@code
 * kvCacheBytes}; 0 = enough for every slot's longest sequence) bounds what is admitted: a sample is
 * admitted only while free blocks hold its whole response (and its prompt, if not cached), so no
 * row ever waits for memory mid-response; a single sequence larger than the budget is refused
 * before any work starts. Memory per row: (prompt tokens / samples sharing it + response tokens) ·
 * {@link KvCache#bytesPerToken}, rounded up to blocks.
 *
 * <p><b>Sampling.</b> Each row's token is drawn on the engine ({@link TokenSampler}) with the
 * uniform number of {@link SampleRandom} for (seed, prompt id, sample index, position); the host
 * receives one token id and one log-probability per row. A sample's tokens therefore depend only on
 * (seed, prompt id, sample index) and the weights, up to float rounding: the rows beside it (batch
 * width, the key width W attended over) can change its logits by rounding, which changes a token
 * only if its uniform number falls within that rounding of a boundary of the cumulative
 * distribution. Token ids, positions, the per-row slot table and lengths stay on the engine between
 * steps; per step the host sends each row's new cache slot and uniform number.
 *
 * <p>Autograd is switched off in the calling thread for the duration of a call (PyTorch's grad mode
 * is per thread). A {@code Generator} may be used by several threads at once.
 */
public final class Generator {
  public static final int DEFAULT_MAX_BATCH_ROWS = 256;

  /** When waiting samples may take free slots. */
  public enum Admission {
    /** As soon as a slot is free (the default). */
    CONTINUOUS,
    /** Only when every slot is free: static batches that drain (for comparison). */
    STATIC
  }

  /**
   * A per-sample cap on the response length, below the sampling's {@code maxNewTokens}: a sample
   * reaching it finishes with {@link GeneratedSample#LENGTH}. Benchmarks use it to force a mix of
   * response lengths out of a model whose EOS cannot be predicted.
   */
  @FunctionalInterface
  public interface ResponseLimit {
    int maxNewTokens(String promptId, int sampleIndex);
  }

  private final PolicyModel policy;
  private final Function<int[], String> decoder;
  private final long seed;
  private final int maxBatchRows;
  private final long kvCacheBytes;
  private final Admission admission;
  private final ResponseLimit responseLimit;

  /** Each token's text on its own, decoded once per generator (for {@link #mayEndStopString}). */
  private final Map<Integer, String> tokenTexts = new ConcurrentHashMap<>();

  /**
   * @param decoder token ids → text, for stop strings and the samples' text; null when sampling
   *     uses no stop strings (texts are then empty)
   * @param seed the seed all sampling decisions derive from
   * @param maxBatchRows decode slots
   * @param kvCacheBytes KV cache budget in bytes; 0 = every slot's longest sequence
   */
  public Generator(
      PolicyModel policy,
      Function<int[], String> decoder,
      long seed,
      int maxBatchRows,
      long kvCacheBytes,
      Admission admission) {
    this(policy, decoder, seed, maxBatchRows, kvCacheBytes, admission, null);
  }

  private Generator(
      PolicyModel policy,
      Function<int[], String> decoder,
      long seed,
      int maxBatchRows,
      long kvCacheBytes,
      Admission admission,
      ResponseLimit responseLimit) {
    if (maxBatchRows <= 0) {
      throw new IllegalArgumentException("maxBatchRows must be positive");
    }
    if (kvCacheBytes < 0) {
      throw new IllegalArgumentException("kvCacheBytes must be >= 0 (0 = automatic)");
    }
    this.policy = policy;
    this.decoder = decoder;
    this.seed = seed;
    this.maxBatchRows = maxBatchRows;
    this.kvCacheBytes = kvCacheBytes;
    this.admission = admission;
    this.responseLimit = responseLimit;
  }

  /** This generator with each sample's response capped by {@code limit}. */
  public Generator withResponseLimit(ResponseLimit limit) {
    return new Generator(policy, decoder, seed, maxBatchRows, kvCacheBytes, admission, limit);
  }

  public Generator(
      PolicyModel policy, Function<int[], String> decoder, long seed, int maxBatchRows) {
    this(policy, decoder, seed, maxBatchRows, 0, Admission.CONTINUOUS);
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
    int total = requests.stream().mapToInt(PromptRequest::numSamples).sum();
    int slots = Math.min(maxBatchRows, total);
    int longestPrompt = requests.stream().mapToInt(r -> r.promptTokens().length).max().orElse(0);
    Qwen2Config config = policy.config();
    NDArray weights = policy.parameters().valueAt(0).getArray();
    DataType dtype = weights.getDataType();
    long budget =
        kvCacheBytes > 0
            ? kvCacheBytes
            : automaticBudget(
                slots, longestPrompt, params.maxNewTokens(), KvCache.bytesPerToken(config, dtype));
    Device device = weights.getDevice();
    try (GradMode noGrad = GradMode.disabled();
        NDManager root = NDManager.newBaseManager(device);
        KvCache cache = KvCache.create(root, config, dtype, KvCache.BLOCK_TOKENS, budget)) {
      refuseUnfit(requests, params, cache);
      Decoding run =
          new Decoding(requests, params, root, cache, slots, longestPrompt + params.maxNewTokens());
      GeneratedSample[] results = run.run(onFinished);
      return new GenerationResult(List.of(results), run.stats(total));
    }
  }

  /** The budget of {@code slots} rows of the longest sequence, each with a prompt of its own. */
  static long automaticBudget(int slots, int longestPrompt, int maxNewTokens, long bytesPerToken) {
    int blocks =
        KvCache.blocksFor(longestPrompt, KvCache.BLOCK_TOKENS)
            + KvCache.blocksFor(maxNewTokens, KvCache.BLOCK_TOKENS);
    return (long) slots * blocks * KvCache.BLOCK_TOKENS * bytesPerToken;
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

  /** Refuses a sequence whose prompt and longest response alone exceed the KV cache budget. */
  private static void refuseUnfit(
      List<PromptRequest> requests, SamplingParams params, KvCache cache) {
    int responseBlocks = KvCache.blocksFor(params.maxNewTokens(), cache.blockTokens());
    for (PromptRequest request : requests) {
      int needed =
          KvCache.blocksFor(request.promptTokens().length, cache.blockTokens()) + responseBlocks;
      if (needed > cache.blockCount()) {
        long blockBytes = cache.blockTokens() * cache.bytesPerToken();
        throw new IllegalArgumentException(
            String.format(
                "prompt '%s': %d prompt tokens + %d new tokens need %d KV blocks (%,d bytes), more"
                    + " than the KV cache budget of %d blocks (%,d bytes); raise"
                    + " rollout.kv_cache_bytes or lower rollout.max_response_tokens",
                request.promptId(),
                request.promptTokens().length,
                params.maxNewTokens(),
                needed,
                needed * blockBytes,
                cache.blockCount(),
                cache.blockCount() * blockBytes));
      }
    }
  }

  /** One response being generated. */
  private static final class Sequence {
    final int request;
    final String promptId;
    final int sampleIndex;
    final int promptLength;

    /** The most tokens this response may have. */
    final int limit;

    final int[] tokens;
    final float[] logprobs;

    /** The response's own KV blocks, in order. */
    final List<Integer> blocks = new ArrayList<>();

    int size;
    String finishReason;

    Sequence(int request, String promptId, int sampleIndex, int promptLength, int limit) {
      this.request = request;
      this.promptId = promptId;
      this.sampleIndex = sampleIndex;
      this.promptLength = promptLength;
      this.limit = limit;
      this.tokens = new int[limit];
      this.logprobs = new float[limit];
    }

    int last() {
      return tokens[size - 1];
    }
  }

  /** A prompt whose keys and values are in the cache, with its next-token logits. */
  private static final class CachedPrompt {
    final int[] blocks;
    final NDManager manager;

    /** [P] int64, the cache slots of the prompt's tokens. */
    final NDArray slots;

    /** [1, V] the next-token logits after the prompt. */
    final NDArray logits;

    int rows;

    CachedPrompt(int[] blocks, NDManager manager, NDArray slots, NDArray logits) {
      this.blocks = blocks;
      this.manager = manager;
      this.slots = slots;
      this.logits = logits;
    }
  }

  /**
   * One call's decoding: the slots, the queue of waiting samples and the per-row state on the
   * engine (token ids, lengths, slot table).
   */
  private final class Decoding {
    final List<PromptRequest> requests;
    final SamplingParams params;
    final NDManager root;
    final KvCache cache;
    final int[] firstResult;
    final GeneratedSample[] results;
    final Sequence[] slots;
    final Map<Integer, CachedPrompt> prompts = new HashMap<>();

    /** Next waiting sample: request index and sample offset within it. */
    int nextRequest;

    int nextSample;

    /** Blocks promised to running responses but not yet taken. */
    int reserved;

    /** Per slot on the engine: the token to feed next [S] int64, columns cached [S] int64. */
    final NDArray ids;

    final NDArray lengths;

    /** Per slot on the engine: the cache slot of each column [S, capacity] int64. */
    final NDArray table;

    /** The running slots on the engine (int64), remade when they change. */
    NDArray active;

    int[] activeSlots;

    long prefillTokens;
    long generatedTokens;
    long decodeSteps;
    long usefulRowSteps;
    long prefillNanos;
    long decodeNanos;
    long bytesToHost;
    long bytesFromHost;
    long decodeBytesToHost;

    Decoding(
        List<PromptRequest> requests,
        SamplingParams params,
        NDManager root,
        KvCache cache,
        int slotCount,
        int capacity) {
      this.requests = requests;
      this.params = params;
      this.root = root;
      this.cache = cache;
      this.firstResult = new int[requests.size()];
      int total = 0;
      for (int i = 0; i < requests.size(); i++) {
        firstResult[i] = total;
        total += requests.get(i).numSamples();
      }
      this.results = new GeneratedSample[total];
      this.slots = new Sequence[slotCount];
      this.ids = root.zeros(new Shape(slotCount), DataType.INT64);
      this.lengths = root.zeros(new Shape(slotCount), DataType.INT64);
      this.table = root.zeros(new Shape(slotCount, capacity), DataType.INT64);
    }

    GeneratedSample[] run(Consumer<GeneratedSample> onFinished) {
      while (true) {
        Stopwatch clock = Stopwatch.start();
        admit(onFinished);
        prefillNanos += clock.restart();
        int[] running = runningSlots();
        if (running.length == 0) {
          break;
        }
        decodeStep(running, onFinished);
        decodeNanos += clock.nanos();
      }
      if (cache.blocksInUse() != 0) {
        throw new IllegalStateException(cache.blocksInUse() + " KV blocks still in use at the end");
      }
      return results;
    }

    GenerationStats stats(int samples) {
      return new GenerationStats(
          samples,
          slots.length,
          prefillTokens,
          generatedTokens,
          decodeSteps,
          usefulRowSteps,
          prefillNanos,
          decodeNanos,
          decodeBytesToHost,
          bytesToHost,
          bytesFromHost,
          cache.bytesPerToken(),
          (long) cache.peakBlocksInUse() * cache.blockTokens() * cache.bytesPerToken());
    }

    int[] runningSlots() {
      return IntStream.range(0, slots.length).filter(i -> slots[i] != null).toArray();
    }

    boolean hasWaiting() {
      return nextRequest < requests.size();
    }

    /**
     * Fills free slots with waiting samples, lowest slot first, while the cache can hold them
     * (static admission: only into an empty pool); each admitted sample's first token is drawn from
     * its prompt's logits. Samples that finish on their first token free their slot at once.
     */
    void admit(Consumer<GeneratedSample> onFinished) {
      if (admission == Admission.STATIC && runningSlots().length > 0) {
        return;
      }
      while (hasWaiting()) {
        List<Integer> admitted = new ArrayList<>();
        for (int slot = 0; slot < slots.length && hasWaiting(); slot++) {
          if (slots[slot] == null) {
            if (!admitNext(slot)) {
              break;
            }
            admitted.add(slot);
          }
        }
        if (admitted.isEmpty()) {
          if (runningSlots().length == 0) {
            throw new IllegalStateException("no sample fits an empty KV cache");
          }
          return;
        }
        firstTokens(admitted, onFinished);
      }
    }

    /** Puts the next waiting sample into {@code slot} if the cache holds it; false otherwise. */
    boolean admitNext(int slot) {
      PromptRequest request = requests.get(nextRequest);
      int sampleIndex = request.firstSampleIndex() + nextSample;
      int limit =
          responseLimit == null
              ? params.maxNewTokens()
              : Math.max(
                  1,
                  Math.min(
                      params.maxNewTokens(),
                      responseLimit.maxNewTokens(request.promptId(), sampleIndex)));
      int responseBlocks = KvCache.blocksFor(limit, cache.blockTokens());
      CachedPrompt prompt = prompts.get(nextRequest);
      int promptBlocks =
          prompt == null
              ? KvCache.blocksFor(request.promptTokens().length, cache.blockTokens())
              : 0;
      if (cache.freeBlocks() - reserved < promptBlocks + responseBlocks) {
        return false;
      }
      if (prompt == null) {
        prompt = prefill(request);
        prompts.put(nextRequest, prompt);
      }
      prompt.rows++;
      reserved += responseBlocks;
      Sequence sequence =
          new Sequence(
              nextRequest, request.promptId(), sampleIndex, request.promptTokens().length, limit);
      slots[slot] = sequence;
      int length = request.promptTokens().length;
      table.set(new NDIndex("{}, :{}", slot, length), prompt.slots);
      nextSample++;
      if (nextSample == request.numSamples()) {
        nextRequest++;
        nextSample = 0;
      }
      return true;
    }

    /** Runs a prompt through the model, its keys and values into new blocks of the cache. */
    CachedPrompt prefill(PromptRequest request) {
      int[] tokens = request.promptTokens();
      int length = tokens.length;
      int[] blocks = cache.take(KvCache.blocksFor(length, cache.blockTokens()));
      NDManager manager = root.newSubManager();
      NDArray slotArray =
          manager
              .create(KvCache.slots(blocks, length, cache.blockTokens()))
              .toType(DataType.INT64, false);
      NDArray logits;
      try (NDManager step = root.newSubManager()) {
        int[] segments = new int[length];
        Arrays.fill(segments, 1);
        NDArray columns = step.arange(0, length, 1, DataType.INT64);
        NDArray hidden =
            policy
                .decoder()
                .prefill(
                    TokenBatch.of(1, length, tokens, segments), step, cache, columns, slotArray);
        logits = policy.logits(hidden.get(":, -1, :"));
        logits.attach(manager);
      }
      bytesFromHost += 16L * length;
      prefillTokens += length;
      return new CachedPrompt(blocks, manager, slotArray, logits);
    }

    /** Draws the first token of the newly admitted slots from their prompts' logits. */
    void firstTokens(List<Integer> admitted, Consumer<GeneratedSample> onFinished) {
      int k = admitted.size();
      try (NDManager step = root.newSubManager()) {
        NDArray[] rows = new NDArray[k];
        Sequence[] sequences = new Sequence[k];
        long[] slotIndex = new long[k];
        long[] promptLengths = new long[k];
        for (int i = 0; i < k; i++) {
          int slot = admitted.get(i);
          sequences[i] = slots[slot];
          rows[i] = prompts.get(sequences[i].request).logits;
          slotIndex[i] = slot;
          promptLengths[i] = sequences[i].promptLength;
        }
        NDList copies = new NDList();
        for (NDArray row : rows) {
          NDArray copy = row.duplicate();
          copy.attach(step);
          copies.add(copy);
        }
        NDArray logits = k == 1 ? copies.head() : NDArrays.concat(copies, 0);
        HostDraws draws = draw(logits, sequences, step);
        NDArray where = step.create(slotIndex);
        ids.set(new NDIndex("{}", where), step.create(toLongs(draws.tokens())));
        lengths.set(new NDIndex("{}", where), step.create(promptLengths));
        bytesFromHost += 24L * k;
        for (int i = 0; i < k; i++) {
          accept(admitted.get(i), draws.tokens()[i], draws.logProbs()[i], onFinished);
        }
      }
    }

    /**
     * One token for every running slot: each row's newest token goes through the model, its keys
     * and values into the cache, and the next token is drawn on the engine.
     */
    void decodeStep(int[] running, Consumer<GeneratedSample> onFinished) {
      int r = running.length;
      if (activeSlots == null || !Arrays.equals(activeSlots, running)) {
        if (active != null) {
          active.close();
        }
        active = root.create(toLongs(running));
        activeSlots = running;
        bytesFromHost += 8L * r;
      }
      int[] writeSlots = new int[r];
      Sequence[] sequences = new Sequence[r];
      int width = 0;
      for (int i = 0; i < r; i++) {
        Sequence sequence = slots[running[i]];
        sequences[i] = sequence;
        writeSlots[i] = writeSlot(sequence);
        width = Math.max(width, sequence.promptLength + sequence.size);
      }
      try (NDManager step = root.newSubManager()) {
        NDIndex rows = new NDIndex("{}", active);
        NDArray rowLengths = lengths.get(step, rows);
        NDArray write = step.create(writeSlots).toType(DataType.INT64, false);
        table.set(new NDIndex("{}, {}", active, rowLengths), write);
        NDArray read = table.get(step, new NDIndex("{}, :{}", active, width));
        NDArray allowed =
            step.arange(0, width, 1, DataType.INT64)
                .expandDims(0)
                .lte(rowLengths.expandDims(1))
                .toType(DataType.FLOAT32, false);
        NDArray bias = allowed.sub(1f).mul(-Qwen2Decoder.MASKED).reshape(r, 1, 1, width);
        NDArray hidden =
            policy
                .decoder()
                .decode(
                    ids.get(step, rows).reshape(r, 1),
                    rowLengths.toType(DataType.FLOAT32, false).reshape(r, 1),
                    cache,
                    write,
                    read,
                    bias);
        NDArray logits = policy.logits(hidden.squeeze(1));
        HostDraws draws = draw(logits, sequences, step);
        ids.set(rows, draws.engineTokens());
        lengths.set(rows, rowLengths.add(1));
        bytesFromHost += 4L * r;
        decodeBytesToHost += 8L * r;
        decodeSteps++;
        usefulRowSteps += r;
        for (int i = 0; i < r; i++) {
          accept(running[i], draws.tokens()[i], draws.logProbs()[i], onFinished);
        }
      }
    }

    /** The cache slot of the response token {@code sequence} feeds next, taking a block if new. */
    int writeSlot(Sequence sequence) {
      int column = sequence.size - 1;
      int blockTokens = cache.blockTokens();
      if (column % blockTokens == 0) {
        sequence.blocks.add(cache.take(1)[0]);
        reserved--;
      }
      return sequence.blocks.get(column / blockTokens) * blockTokens + column % blockTokens;
    }

    /** Appends a drawn token to the sequence in {@code slot}; finishes it when it ends there. */
    void accept(int slot, int token, float logProb, Consumer<GeneratedSample> onFinished) {
      Sequence sequence = slots[slot];
      sequence.tokens[sequence.size] = token;
      sequence.logprobs[sequence.size] = logProb;
      sequence.size++;
      generatedTokens++;
      sequence.finishReason = finishReason(sequence, params);
      if (sequence.finishReason == null) {
        return;
      }
      slots[slot] = null;
      cache.release(sequence.blocks.stream().mapToInt(Integer::intValue).toArray());
      reserved -= KvCache.blocksFor(sequence.limit, cache.blockTokens()) - sequence.blocks.size();
      CachedPrompt prompt = prompts.get(sequence.request);
      prompt.rows--;
      boolean allAdmitted = nextRequest > sequence.request;
      if (prompt.rows == 0 && allAdmitted) {
        cache.release(prompt.blocks);
        prompt.manager.close();
        prompts.remove(sequence.request);
      }
      PromptRequest request = requests.get(sequence.request);
      GeneratedSample sample = finish(sequence, params);
      results[firstResult[sequence.request] + sequence.sampleIndex - request.firstSampleIndex()] =
          sample;
      onFinished.accept(sample);
    }

    /**
     * Draws the next token of every row of {@code logits} [rows, V] on the engine with the rows'
     * uniform numbers.
     */
    HostDraws draw(NDArray logits, Sequence[] sequences, NDManager step) {
      float[] uniforms = new float[sequences.length];
      for (int i = 0; i < uniforms.length; i++) {
        Sequence sequence = sequences[i];
        uniforms[i] =
            (float)
                SampleRandom.uniform(seed, sequence.promptId, sequence.sampleIndex, sequence.size);
      }
      TokenSampler.Draws draws = TokenSampler.draw(logits, step.create(uniforms), params);
      bytesFromHost += 4L * uniforms.length;
      bytesToHost += 8L * uniforms.length;
      return new HostDraws(
          draws.tokens(),
          draws.tokens().toType(DataType.INT32, false).toIntArray(),
          draws.logProbs().toFloatArray());
    }
  }

  /** Tokens drawn on the engine and their host copies (one id and one log-probability per row). */
  private record HostDraws(NDArray engineTokens, int[] tokens, float[] logProbs) {}

  private static long[] toLongs(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
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
    return sequence.size == sequence.limit ? GeneratedSample.LENGTH : null;
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
