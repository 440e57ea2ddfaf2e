package org.orzspark.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Backward passes of parts of a forward that ran without autograd and are recomputed when their
 * gradient is known: activation checkpointing, which trades a second forward of a part for not
 * keeping its activations.
 *
 * <p>DJL exposes no custom autograd function (no {@code torch.utils.checkpoint}). So a recomputed
 * part's output enters the graph as a {@link #leaf}; the autograd backward of the loss stops there
 * and leaves the output's gradient on it. The part registered a {@link #defer deferred} backward
 * that re-runs it with autograd from a leaf copy of its input and {@link #propagate propagates}
 * that gradient through it, down to its input's gradient and on into whatever produced the input.
 * Whoever runs a backward pass over such a forward must then call {@link #backward()}, on the same
 * thread (PyTorch's grad mode, and this registry, are per thread); {@code
 * org.orzspark.ppo.GradientAccumulator} does.
 */
public final class Recomputation {
  private static final ThreadLocal<Deque<Runnable>> PENDING =
      ThreadLocal.withInitial(ArrayDeque::new);

  private Recomputation() {}

  /** Registers the backward pass of a part whose output is a {@link #leaf}. */
  public static void defer(Runnable backward) {
    PENDING.get().push(backward);
  }

  /**
   * Runs the deferred backward passes, newest first: a part registered after another consumed the
   * other's output, so its backward must come first (as in autograd's reverse order). A pass may
   * defer more (a recomputed layer defers nothing it does not run itself).
   */
  public static void backward() {
    Deque<Runnable> pending = PENDING.get();
    while (!pending.isEmpty()) {
      pending.pop().run();
    }
  }

  /** Forgets deferred passes of forwards whose loss was never backpropagated. */
  public static void discard() {
    PENDING.get().clear();
  }

  /**
   * A copy of {@code value} cut from its graph that requires a gradient: the start of a recomputed
   * part, or its output as the rest of the forward sees it. Attached to {@code value}'s manager.
   */
  public static NDArray leaf(NDArray value) {
    NDArray leaf = value.stopGradient();
    leaf.setRequiresGradient(true);
    return leaf;
  }

  /**
   * Backpropagates {@code gradient} (d loss / d output, shaped as {@code output}) through {@code
   * output}'s graph, adding into the gradients of the leaves and parameters it depends on.
   *
   * @param keepGraph keep the graph for another pass through it (parts of it shared by outputs
   *     propagated separately)
   */
  public static void propagate(NDArray output, NDArray gradient, boolean keepGraph) {
    JniUtils.backward((PtNDArray) output, (PtNDArray) gradient, keepGraph, false);
  }
}
