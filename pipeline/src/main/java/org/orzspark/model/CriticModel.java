package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The critic: the Qwen2 decoder plus a value head {@code score.weight} [1, H] (no bias). Loaded
 * from a critic checkpoint, or from a base model, whose LM head is then dropped and whose value
 * head is initialised by a {@link ValueHeadInit}.
 */
public final class CriticModel extends Qwen2Model {
  public static final String VALUE_HEAD = "score.weight";

  private final NDArray score;

  private CriticModel(Qwen2Decoder decoder, NDArray score, Optional<Path> tokenizerDir) {
    super(decoder, tokenizerDir);
    this.score = score;
  }

  /**
   * Loads a critic directory, or a base model directory (no {@code score.weight}) with a new value
   * head drawn by {@code init} from {@code seed}.
   */
  public static CriticModel load(Path dir, NDManager parent, ValueHeadInit init, long seed)
      throws IOException {
    return load(dir, parent, init, seed, DataType.FLOAT32);
  }

  /** {@link #load(Path, NDManager, ValueHeadInit, long)} computing in {@code dtype}. */
  public static CriticModel load(
      Path dir, NDManager parent, ValueHeadInit init, long seed, DataType dtype)
      throws IOException {
    return fromCheckpoint(ModelCheckpoint.read(dir), parent, init, seed, dtype);
  }

  public static CriticModel fromCheckpoint(
      ModelCheckpoint checkpoint, NDManager parent, ValueHeadInit init, long seed)
      throws CheckpointException {
    return fromCheckpoint(checkpoint, parent, init, seed, DataType.FLOAT32);
  }

  /**
   * {@link #fromCheckpoint(ModelCheckpoint, NDManager, ValueHeadInit, long)} computing in {@code
   * dtype}.
   */
  public static CriticModel fromCheckpoint(
      ModelCheckpoint checkpoint, NDManager parent, ValueHeadInit init, long seed, DataType dtype)
      throws CheckpointException {
    long[] shape = {1, checkpoint.config().hiddenSize()};
    ModelCheckpoint withHead = checkpoint;
    if (!checkpoint.tensors().containsKey(VALUE_HEAD)) {
      Map<String, TensorValues> tensors = new LinkedHashMap<>(checkpoint.tensors());
      tensors.put(
          VALUE_HEAD,
          new HostTensor(VALUE_HEAD, shape, init.sample(checkpoint.config().hiddenSize(), seed)));
      withHead =
          new ModelCheckpoint(
              checkpoint.config(), tensors, checkpoint.sources(), checkpoint.tokenizerDir());
    }
    Qwen2Decoder decoder = decoder(withHead, parent, dtype);
    try {
      return new CriticModel(
          decoder,
          decoder.addParameter(withHead.require(VALUE_HEAD, shape)),
          checkpoint.tokenizerDir());
    } catch (CheckpointException | RuntimeException e) {
      decoder.close();
      throw e;
    }
  }

  /** A critic with random backbone weights (see {@link ParameterInit}) and an {@code init} head. */
  public static CriticModel random(
      Qwen2Config config, long seed, ValueHeadInit init, NDManager parent) {
    try {
      return fromCheckpoint(PolicyModel.randomCheckpoint(config, seed), parent, init, seed);
    } catch (CheckpointException e) {
      throw new IllegalStateException("generated weights do not fit their own shapes", e);
    }
  }

  /** Values [B, T] before masking; a shared prefix's values are computed once and broadcast. */
  private NDArray valuesOf(TokenBatch batch, NDManager work, ActivationMemory memory) {
    if (PolicyModel.sharesPrefix(batch, memory)) {
      Qwen2Decoder.SharedPrefixForward f = decoder().forwardSharingPrefix(batch, work);
      return f.toBatch(head(f.prefixHidden()), head(f.restHidden()));
    }
    return head(
        memory.recomputesLayers()
            ? decoder().forwardRecomputingLayers(batch, work)
            : decoder().forward(batch, work));
  }

  /** score · h: [R, C, H] → [R, C], float32. */
  private NDArray head(NDArray hidden) {
    Shape s = hidden.getShape();
    return headOutput(hidden, score).reshape(s.get(0), s.get(1));
  }

  /**
   * Per-token values V(s_t) = score · h_t, differentiable under a {@code GradientCollector}.
   *
   * @return [B, T], attached to {@code resultManager}; 0 at padding
   */
  public NDArray values(TokenBatch batch, NDManager resultManager) {
    return values(batch, resultManager, ActivationMemory.KEEP);
  }

  /**
   * {@link #values(TokenBatch, NDManager)} keeping for the backward pass what {@code memory} says
   * (the values are the same in every mode).
   */
  public NDArray values(TokenBatch batch, NDManager resultManager, ActivationMemory memory) {
    // Borrowed Java memory that autograd keeps: it lives as long as the result (see PolicyModel).
    NDArray mask = resultManager.create(batch.tokenMask(), new Shape(batch.rows(), batch.length()));
    // A recomputed forward's deferred backward reads the work manager's arrays (see PolicyModel).
    boolean recomputing = memory.recomputesLayers() && GradMode.isEnabled();
    NDManager work = resultManager.newSubManager();
    try {
      NDArray values = valuesOf(batch, work, memory).mul(mask);
      values.attach(resultManager);
      return values;
    } finally {
      if (!recomputing) {
        work.close();
      }
    }
  }
}
