package org.orzspark.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;

/**
 * A trainable stand-in for the real model: one-hot token -> Linear(hidden, no bias) (an embedding)
 * -> Linear(outputs). With {@code outputs = VOCAB} it is a policy (next-token logits), with 1 a
 * critic.
 */
final class TinyModel implements AutoCloseable {
  static final int VOCAB = 6;
  static final int HIDDEN = 4;

  private final NDManager manager;
  private final SequentialBlock block;
  private final ParameterStore store;

  TinyModel(int outputs) {
    manager = NDManager.newBaseManager();
    block =
        new SequentialBlock()
            .add(Linear.builder().setUnits(HIDDEN).optBias(false).build())
            .add(Linear.builder().setUnits(outputs).build());
    block.initialize(manager, DataType.FLOAT32, new Shape(1, VOCAB));
    store = new ParameterStore(manager, false);
  }

  ParameterList parameters() {
    return block.getParameters();
  }

  NDManager manager() {
    return manager;
  }

  /** Makes this model's weights equal {@code other}'s (replicas start identical). */
  void copyFrom(TinyModel other) {
    ParameterList mine = parameters();
    ParameterList theirs = other.parameters();
    for (int i = 0; i < mine.size(); i++) {
      mine.get(i).getValue().getArray().set(theirs.get(i).getValue().getArray().toFloatArray());
    }
  }

  float[] weights() {
    return flat(false);
  }

  float[] gradients() {
    return flat(true);
  }

  private float[] flat(boolean gradient) {
    float[] out = new float[0];
    for (Pair<String, Parameter> p : parameters()) {
      NDArray a = p.getValue().getArray();
      float[] part = (gradient ? a.getGradient() : a).toFloatArray();
      float[] grown = Arrays.copyOf(out, out.length + part.length);
      System.arraycopy(part, 0, grown, out.length, part.length);
      out = grown;
    }
    return out;
  }

  /** {@code [B, T, outputs]} from {@code [B, T]} integer tokens. */
  NDArray forward(NDArray tokens) {
    long rows = tokens.getShape().get(0);
    long cols = tokens.getShape().get(1);
    NDArray oneHot = tokens.reshape(rows * cols).oneHot(VOCAB);
    NDArray out = block.forward(store, new NDList(oneHot), true).singletonOrThrow();
    return out.reshape(rows, cols, -1);
  }

  /** {@code [B, T]} log-probability of {@code targets} after {@code tokens}. */
  NDArray logProbs(NDArray tokens, NDArray targets) {
    NDArray logp = forward(tokens).logSoftmax(-1);
    return logp.mul(targets.oneHot(VOCAB)).sum(new int[] {-1});
  }

  /** {@code [B, T]} values (for a model built with one output). */
  NDArray values(NDArray tokens) {
    return forward(tokens).squeeze(-1);
  }

  @Override
  public void close() {
    manager.close();
  }
}
