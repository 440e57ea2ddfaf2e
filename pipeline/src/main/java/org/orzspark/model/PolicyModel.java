package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The policy: {@code Qwen2ForCausalLM} (decoder + LM head {@code lm_head.weight}, or the embedding
 * when {@code tie_word_embeddings}).
 */
public final class PolicyModel extends Qwen2Model {
  /**
   * Log-probabilities are computed over at most this many logits at a time, so a 151k vocabulary
   * never materialises [B, T, V] floats in a forward without gradients. Under a {@code
   * GradientCollector} autograd still keeps each chunk's log-softmax for the backward pass (B·T·V
   * floats in all: DJL offers no custom autograd function to recompute them), so training batches
   * must be sized for that.
   */
  public static final int LOGIT_CHUNK_FLOATS = 1 << 22;

  private final NDArray lmHead;

  private PolicyModel(Qwen2Decoder decoder, NDArray lmHead, Optional<Path> tokenizerDir) {
    super(decoder, tokenizerDir);
    this.lmHead = lmHead;
  }

  /** Loads a Hugging Face directory (config.json, safetensors, tokenizer files). */
  public static PolicyModel load(Path dir, NDManager parent) throws IOException {
    return fromCheckpoint(ModelCheckpoint.read(dir), parent);
  }

  public static PolicyModel fromCheckpoint(ModelCheckpoint checkpoint, NDManager parent)
      throws CheckpointException {
    Qwen2Decoder decoder = decoder(checkpoint, parent);
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
   * Next-token logits.
   *
   * @param hidden [..., H] final hidden states
   * @return [..., V], attached to {@code hidden}'s manager
   */
  public NDArray logits(NDArray hidden) {
    return Linear.linear(hidden, lmHead).singletonOrThrow();
  }

  /**
   * log p(token_t | earlier tokens of its segment) for every token, differentiable under a {@code
   * GradientCollector}.
   *
   * @return [B, T], attached to {@code resultManager}; 0 at padding and at each segment's first
   *     token
   */
  public NDArray tokenLogProbs(TokenBatch batch, NDManager resultManager) {
    return logProbs(batch, resultManager, false).logProbs();
  }

  /**
   * {@link #tokenLogProbs} plus the entropy of each predicting distribution, also [B, T]; the
   * entropies carry no gradient.
   */
  public TokenLogProbs tokenLogProbsAndEntropy(TokenBatch batch, NDManager resultManager) {
    return logProbs(batch, resultManager, true);
  }

  /**
   * Log-probabilities of the given tokens: the hidden state at t − 1 predicts token t; logits are
   * formed {@link #LOGIT_CHUNK_FLOATS} at a time, and log p = log_softmax(logits)[token]. A batch
   * with a shared prefix predicts the prefix's tokens once and broadcasts them.
   */
  private TokenLogProbs logProbs(TokenBatch batch, NDManager resultManager, boolean withEntropy) {
    int b = batch.rows();
    int t = batch.length();
    // The mask borrows Java memory and autograd keeps it for the backward pass: it must live as
    // long as the result (see BorrowedHostMemoryTest), so it belongs to the result's manager.
    NDArray mask = resultManager.create(batch.predictedMask(), new Shape(b, t));
    try (NDManager work = resultManager.newSubManager()) {
      Predictions p = batch.sharedPrefixLength() > 0
          ? predictSharingPrefix(batch, work, withEntropy)
          : predict(batch, work, withEntropy);
      NDArray maskedLogProbs = p.logProbs().mul(mask);
      maskedLogProbs.attach(resultManager);
      NDArray maskedEntropy = null;
      if (withEntropy) {
        maskedEntropy = p.entropy().mul(mask);
        maskedEntropy.attach(resultManager);
      }
      return new TokenLogProbs(maskedLogProbs, maskedEntropy);
    }
  }

  /** Log-probabilities (and entropies, or null) of a [rows, columns] block of tokens. */
  private record Predictions(NDArray logProbs, NDArray entropy) {
    /** These, each row preceded by a 0 column (the unpredicted first token). */
    Predictions afterUnpredictedFirst(NDManager work) {
      NDArray zero = work.zeros(new Shape(logProbs.getShape().get(0), 1));
      return new Predictions(zero.concat(logProbs, 1),
          entropy == null ? null : zero.concat(entropy, 1));
    }
  }

  /** The full forward: [B, T], column 0 zero. */
  private Predictions predict(TokenBatch batch, NDManager work, boolean withEntropy) {
    int b = batch.rows();
    int t = batch.length();
    NDList inputs = Qwen2Decoder.inputs(batch, work);
    NDArray hidden = decoder().forward(inputs.get(0), inputs.get(1), inputs.get(2), null);
    if (t == 1) {
      NDArray zero = work.zeros(new Shape(b, 1));
      return new Predictions(zero, withEntropy ? zero : null);
    }
    return pick(hidden.get(":, :-1, :"), inputs.get(0).get(":, 1:"), work, withEntropy)
        .afterUnpredictedFirst(work);
  }

  /**
   * The prefix once: its tokens 1..P−1 predicted from its own hidden states and broadcast to every
   * row; each row's remaining tokens predicted from the prefix's last hidden state and their own.
   */
  private Predictions predictSharingPrefix(TokenBatch batch, NDManager work, boolean withEntropy) {
    int b = batch.rows();
    Qwen2Decoder.SharedPrefixForward f = decoder().forwardSharingPrefix(batch, work);
    Predictions prefix =
        pick(f.prefixHidden().get(":, :-1, :"), f.prefixIds().get(":, 1:"), work, withEntropy)
            .afterUnpredictedFirst(work);
    long p = prefix.logProbs().getShape().get(1);
    long h = config().hiddenSize();
    NDArray previous = f.prefixHidden().get(":, -1:, :").broadcast(b, 1, h)
        .concat(f.restHidden().get(":, :-1, :"), 1);
    Predictions rest = pick(previous, f.restIds(), work, withEntropy);
    return new Predictions(
        prefix.logProbs().broadcast(b, p).concat(rest.logProbs(), 1),
        withEntropy ? prefix.entropy().broadcast(b, p).concat(rest.entropy(), 1) : null);
  }

  /**
   * log p(targets[r, c] | previous[r, c]) and, with {@code withEntropy}, the entropy of each
   * predicting distribution, over {@link #LOGIT_CHUNK_FLOATS} logits at a time.
   *
   * @param previous [R, C, H] hidden states
   * @param targets [R, C] int64 token ids
   * @return [R, C] each, attached to {@code work}
   */
  private Predictions pick(NDArray previous, NDArray targets, NDManager work,
      boolean withEntropy) {
    long rowCount = previous.getShape().get(0);
    long columns = previous.getShape().get(1);
    long predicted = rowCount * columns;
    NDArray flatPrevious = previous.reshape(predicted, config().hiddenSize());
    NDArray flatTargets = targets.reshape(predicted, 1);
    long chunk = Math.max(1, LOGIT_CHUNK_FLOATS / config().vocabSize());
    NDList chunkLogProbs = new NDList();
    NDList chunkEntropy = new NDList();
    for (long start = 0; start < predicted; start += chunk) {
      long end = Math.min(predicted, start + chunk);
      try (NDManager chunkManager = work.newSubManager()) {
        NDIndex rows = new NDIndex("{}:{}", start, end);
        NDArray logSoftmax = logits(flatPrevious.get(chunkManager, rows)).logSoftmax(-1);
        NDArray picked = logSoftmax.gather(flatTargets.get(chunkManager, rows), 1);
        picked.attach(work);
        chunkLogProbs.add(picked);
        if (withEntropy) {
          // A diagnostic (the recipe has no entropy bonus): detached, so the backward pass neither
          // keeps nor traverses a second [tokens, vocabulary] product.
          NDArray detached = logSoftmax.stopGradient();
          NDArray h = detached.exp().mul(detached).sum(new int[] {-1}, true).neg();
          h.attach(work);
          chunkEntropy.add(h);
        }
      }
    }
    return new Predictions(concat(chunkLogProbs).reshape(rowCount, columns),
        withEntropy ? concat(chunkEntropy).reshape(rowCount, columns) : null);
  }

  private static NDArray concat(NDList parts) {
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }
}
