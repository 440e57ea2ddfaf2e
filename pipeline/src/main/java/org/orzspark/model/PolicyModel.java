package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.orzspark.autograd.Recomputation;

/**
 * The policy: {@code Qwen2ForCausalLM} (decoder + LM head {@code lm_head.weight}, or the embedding
 * when {@code tie_word_embeddings}).
 */
public final class PolicyModel extends Qwen2Model {
  /**
   * Log-probabilities are computed over at most this many logits at a time, so a 151k vocabulary
   * never materialises [B, T, V] floats in a forward without gradients. Under a {@code
   * GradientCollector} autograd still keeps each chunk's log-softmax for the backward pass (B·T·V
   * floats in all) unless the forward recomputes them ({@link ActivationMemory#RECOMPUTE_LOGITS}).
   */
  public static final int LOGIT_CHUNK_FLOATS = 1 << 22;

  private final NDArray lmHead;
  private int logitChunkFloats = LOGIT_CHUNK_FLOATS;

  private PolicyModel(Qwen2Decoder decoder, NDArray lmHead, Optional<Path> tokenizerDir) {
    super(decoder, tokenizerDir);
    this.lmHead = lmHead;
  }

  /** Loads a Hugging Face directory (config.json, safetensors, tokenizer files). */
  public static PolicyModel load(Path dir, NDManager parent) throws IOException {
    return load(dir, parent, DataType.FLOAT32);
  }

  /** {@link #load(Path, NDManager)} computing in {@code dtype}. */
  public static PolicyModel load(Path dir, NDManager parent, DataType dtype) throws IOException {
    return fromCheckpoint(ModelCheckpoint.read(dir), parent, dtype);
  }

  public static PolicyModel fromCheckpoint(ModelCheckpoint checkpoint, NDManager parent)
      throws CheckpointException {
    return fromCheckpoint(checkpoint, parent, DataType.FLOAT32);
  }

  /** {@link #fromCheckpoint(ModelCheckpoint, NDManager)} computing in {@code dtype}. */
  public static PolicyModel fromCheckpoint(
      ModelCheckpoint checkpoint, NDManager parent, DataType dtype) throws CheckpointException {
    Qwen2Decoder decoder = decoder(checkpoint, parent, dtype);
    try {
      Qwen2Config c = checkpoint.config();
      NDArray head =
          c.tieWordEmbeddings()
              ? decoder.embedTokens()
              : decoder.addParameter(
                  checkpoint.require("lm_head.weight", new long[] {c.vocabSize(), c.hiddenSize()}));
      return new PolicyModel(decoder, head, checkpoint.tokenizerDir());
    } catch (CheckpointException | RuntimeException e) {
      decoder.close();
      throw e;
    }
  }

  /**
   * A randomly initialised policy (see {@link ParameterInit}); the same seed gives the same
   * weights.
   */
  public static PolicyModel random(Qwen2Config config, long seed, NDManager parent) {
    try {
      return fromCheckpoint(randomCheckpoint(config, seed), parent);
    } catch (CheckpointException e) {
      throw new IllegalStateException("generated weights do not fit their own shapes", e);
    }
  }

  static ModelCheckpoint randomCheckpoint(Qwen2Config config, long seed) {
    return new ModelCheckpoint(
        config, ParameterInit.qwen2(shapes(config), seed), Map.of(), Optional.empty());
  }

  /** Hugging Face names and shapes of the causal LM's tensors. */
  public static Map<String, long[]> shapes(Qwen2Config config) {
    Map<String, long[]> shapes = new LinkedHashMap<>(Qwen2Decoder.shapes(config));
    if (!config.tieWordEmbeddings()) {
      shapes.put("lm_head.weight", new long[] {config.vocabSize(), config.hiddenSize()});
    }
    return shapes;
  }

  /**
   * Next-token logits, float32 whatever the compute dtype (the matmul runs in it).
   *
   * @param hidden [..., H] final hidden states
   * @return [..., V] float32, attached to {@code hidden}'s manager
   */
  public NDArray logits(NDArray hidden) {
    return headOutput(hidden, lmHead);
  }

  /**
   * log p(token_t | earlier tokens of its segment) for every token, differentiable under a {@code
   * GradientCollector}; autograd keeps every activation ({@link ActivationMemory#KEEP}).
   *
   * @return [B, T], attached to {@code resultManager}; 0 at padding and at each segment's first
   *     token
   */
  public NDArray tokenLogProbs(TokenBatch batch, NDManager resultManager) {
    return logProbs(batch, resultManager, false, ActivationMemory.KEEP).logProbs();
  }

  /**
   * {@link #tokenLogProbs} plus the entropy of each predicting distribution, also [B, T]; the
   * entropies carry no gradient.
   */
  public TokenLogProbs tokenLogProbsAndEntropy(TokenBatch batch, NDManager resultManager) {
    return tokenLogProbsAndEntropy(batch, resultManager, ActivationMemory.KEEP);
  }

  /**
   * {@link #tokenLogProbsAndEntropy(TokenBatch, NDManager)} keeping for the backward pass what
   * {@code memory} says (the values are the same in every mode).
   */
  public TokenLogProbs tokenLogProbsAndEntropy(
      TokenBatch batch, NDManager resultManager, ActivationMemory memory) {
    return logProbs(batch, resultManager, true, memory);
  }

  /**
   * Log-probabilities of the given tokens: the hidden state at t − 1 predicts token t; logits are
   * formed {@link #LOGIT_CHUNK_FLOATS} at a time, and log p = log_softmax(logits)[token]. A batch
   * with a shared prefix predicts the prefix's tokens once and broadcasts them.
   */
  private TokenLogProbs logProbs(
      TokenBatch batch, NDManager resultManager, boolean withEntropy, ActivationMemory memory) {
    int b = batch.rows();
    int t = batch.length();
    // The mask borrows Java memory and autograd keeps it for the backward pass: it must live as
    // long as the result (see BorrowedHostMemoryTest), so it belongs to the result's manager.
    NDArray mask = resultManager.create(batch.predictedMask(), new Shape(b, t));
    // A recomputed part's deferred backward reads the work manager's arrays: it then lives as long
    // as the result.
    NDManager work = resultManager.newSubManager();
    try {
      Predictions p =
          sharesPrefix(batch, memory)
              ? predictSharingPrefix(batch, work, withEntropy, memory)
              : predict(batch, work, withEntropy, memory);
      NDArray maskedLogProbs = p.logProbs().mul(mask);
      maskedLogProbs.attach(resultManager);
      NDArray maskedEntropy = null;
      if (withEntropy) {
        maskedEntropy = p.entropy().mul(mask);
        maskedEntropy.attach(resultManager);
      }
      return new TokenLogProbs(maskedLogProbs, maskedEntropy);
    } finally {
      if (!recomputing(memory)) {
        work.close();
      }
    }
  }

  /** Whether this forward defers a backward pass (only under autograd, and not in KEEP mode). */
  private static boolean recomputing(ActivationMemory memory) {
    return memory.recomputesLogits() && GradMode.isEnabled();
  }

  /** Whether the forward computes a shared prompt prefix once (not when recomputing layers). */
  static boolean sharesPrefix(TokenBatch batch, ActivationMemory memory) {
    return batch.sharedPrefixLength() > 0 && !(memory.recomputesLayers() && GradMode.isEnabled());
  }

  /** Log-probabilities (and entropies, or null) of a [rows, columns] block of tokens. */
  private record Predictions(NDArray logProbs, NDArray entropy) {
    Predictions reshaped(long rows, long columns) {
      return new Predictions(
          logProbs.reshape(rows, columns), entropy == null ? null : entropy.reshape(rows, columns));
    }

    /** These, each row preceded by a 0 column (the unpredicted first token). */
    Predictions afterUnpredictedFirst(NDManager work) {
      NDArray zero = work.zeros(new Shape(logProbs.getShape().get(0), 1));
      return new Predictions(
          zero.concat(logProbs, 1), entropy == null ? null : zero.concat(entropy, 1));
    }
  }

  /** The full forward: [B, T], column 0 zero. */
  private Predictions predict(
      TokenBatch batch, NDManager work, boolean withEntropy, ActivationMemory memory) {
    int b = batch.rows();
    int t = batch.length();
    NDArray hidden =
        memory.recomputesLayers()
            ? decoder().forwardRecomputingLayers(batch, work)
            : decoder().forward(batch, work);
    if (t == 1) {
      NDArray zero = work.zeros(new Shape(b, 1));
      return new Predictions(zero, withEntropy ? zero : null);
    }
    NDArray targets = Qwen2Decoder.ids(batch, work).get(":, 1:");
    return pick(hidden.get(":, :-1, :"), targets, work, withEntropy, memory)
        .afterUnpredictedFirst(work);
  }

  /**
   * The prefix once: its tokens 1..P−1 predicted from its own hidden states and placed in every
   * sequence; each sequence's remaining tokens predicted from the state before them, the prefix's
   * last one for the first.
   */
  private Predictions predictSharingPrefix(
      TokenBatch batch, NDManager work, boolean withEntropy, ActivationMemory memory) {
    Qwen2Decoder.SharedPrefixForward f = decoder().forwardSharingPrefix(batch, work);
    Predictions prefix =
        pick(
                f.prefixHidden().get(":, :-1, :"),
                f.prefixIds().get(":, 1:"),
                work,
                withEntropy,
                memory)
            .afterUnpredictedFirst(work);
    Shape restShape = f.restHidden().getShape();
    NDArray last = f.prefixHidden().get(":, -1:, :").broadcast(restShape);
    NDArray shifted = last.get(":, :1, :").concat(f.restHidden().get(":, :-1, :"), 1);
    NDArray previous = NDArrays.where(f.restStarts().broadcast(restShape), last, shifted);
    Predictions rest = pick(previous, f.restIds(), work, withEntropy, memory);
    return new Predictions(
        f.toBatch(prefix.logProbs(), rest.logProbs()),
        withEntropy ? f.toBatch(prefix.entropy(), rest.entropy()) : null);
  }

  /**
   * log p(targets[r, c] | previous[r, c]) and, with {@code withEntropy}, the entropy of each
   * predicting distribution, over {@link #LOGIT_CHUNK_FLOATS} logits at a time. When {@code memory}
   * recomputes logits (under autograd), the forward runs without autograd and the log-probabilities
   * enter the graph as a leaf whose deferred backward recomputes each chunk's logits and propagates
   * into {@code previous}.
   *
   * @param previous [R, C, H] hidden states
   * @param targets [R, C] int64 token ids
   * @return [R, C] each, attached to {@code work}
   */
  private Predictions pick(
      NDArray previous,
      NDArray targets,
      NDManager work,
      boolean withEntropy,
      ActivationMemory memory) {
    long rowCount = previous.getShape().get(0);
    long columns = previous.getShape().get(1);
    long predicted = rowCount * columns;
    NDArray flatPrevious = previous.reshape(predicted, config().hiddenSize());
    NDArray flatTargets = targets.reshape(predicted, 1);
    if (!recomputing(memory)) {
      return pickChunks(flatPrevious, flatTargets, work, withEntropy).reshaped(rowCount, columns);
    }
    NDArray hidden = Recomputation.leaf(flatPrevious);
    Predictions values;
    try (GradMode off = GradMode.disabled()) {
      values = pickChunks(hidden, flatTargets, work, withEntropy);
    }
    NDArray logProbs = Recomputation.leaf(values.logProbs());
    Recomputation.defer(
        () -> {
          NDArray gradient = logProbs.getGradient();
          long chunk = chunkRows();
          for (long start = 0; start < predicted; start += chunk) {
            try (NDManager chunkManager = work.newSubManager()) {
              NDIndex rows = new NDIndex("{}:{}", start, Math.min(predicted, start + chunk));
              Recomputation.propagate(
                  chosenLogProbs(hidden, flatTargets, rows, chunkManager, null),
                  gradient.get(chunkManager, rows),
                  false);
            }
          }
          // The other pick of a shared-prefix batch propagates through the same decoder graph.
          Recomputation.propagate(flatPrevious, hidden.getGradient(), true);
        });
    return new Predictions(logProbs, values.entropy()).reshaped(rowCount, columns);
  }

  /**
   * {@link #pick} over flat [N, H] states and [N, 1] targets, with autograd as the caller has it.
   */
  private Predictions pickChunks(
      NDArray flatPrevious, NDArray flatTargets, NDManager work, boolean withEntropy) {
    long predicted = flatPrevious.getShape().get(0);
    long chunk = chunkRows();
    NDList chunkLogProbs = new NDList();
    NDList chunkEntropy = new NDList();
    for (long start = 0; start < predicted; start += chunk) {
      try (NDManager chunkManager = work.newSubManager()) {
        NDIndex rows = new NDIndex("{}:{}", start, Math.min(predicted, start + chunk));
        NDArray[] entropy = withEntropy ? new NDArray[1] : null;
        NDArray picked = chosenLogProbs(flatPrevious, flatTargets, rows, chunkManager, entropy);
        picked.attach(work);
        chunkLogProbs.add(picked);
        if (withEntropy) {
          entropy[0].attach(work);
          chunkEntropy.add(entropy[0]);
        }
      }
    }
    return new Predictions(concat(chunkLogProbs), withEntropy ? concat(chunkEntropy) : null);
  }

  /**
   * log_softmax(logits)[target] of the rows {@code rows} of the flat states; with {@code entropy}
   * (an array of one) also their entropies.
   *
   * @return [rows, 1], attached to {@code chunkManager}
   */
  private NDArray chosenLogProbs(
      NDArray flatPrevious,
      NDArray flatTargets,
      NDIndex rows,
      NDManager chunkManager,
      NDArray[] entropy) {
    NDArray logSoftmax = logits(flatPrevious.get(chunkManager, rows)).logSoftmax(-1);
    if (entropy != null) {
      // A diagnostic (the recipe has no entropy bonus): detached, so the backward pass neither
      // keeps nor traverses a second [tokens, vocabulary] product.
      NDArray detached = logSoftmax.stopGradient();
      entropy[0] = detached.exp().mul(detached).sum(new int[] {-1}, true).neg();
    }
    return logSoftmax.gather(flatTargets.get(chunkManager, rows), 1);
  }

  /** Tokens per chunk: {@link #LOGIT_CHUNK_FLOATS} logits. */
  private long chunkRows() {
    return Math.max(1, logitChunkFloats / config().vocabSize());
  }

  /** Sets the logits per chunk (tests use a few rows' worth to cut a short sequence in chunks). */
  void setLogitChunkFloats(int floats) {
    logitChunkFloats = floats;
  }

  private static NDArray concat(NDList parts) {
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }
}
