package org.orzspark.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's autograd switch, which is per thread: a thread that never opened a {@code
 * GradientCollector} may still record graphs for parameters that require gradients. Forwards that
 * need no gradients (generation, the experience stage's log-probs and values) run inside {@link
 * #disabled()}.
 */
public final class GradMode implements AutoCloseable {
  private final boolean previous;

  private GradMode(boolean previous) {
    this.previous = previous;
  }

  /**
   * Switches autograd off in this thread until {@link #close()}, which restores the previous mode.
   */
  public static GradMode disabled() {
    // the native library loads with the engine; JniUtils before that fails to link
    Engine.getEngine("PyTorch");
    GradMode mode = new GradMode(JniUtils.isGradMode());
    JniUtils.setGradMode(false);
    return mode;
  }

  /** Whether autograd records in this thread. */
  public static boolean isEnabled() {
    Engine.getEngine("PyTorch");
    return JniUtils.isGradMode();
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
