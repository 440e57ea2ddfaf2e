package org.orzspark.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** PyTorch's intra-op thread count, which is process-wide. */
public final class TorchThreads {
  private TorchThreads() {}

  /**
   * Sets the intra-op threads of this process to {@code threads} (at least 1). The engine is loaded
   * first: the native call links only once the engine's library is loaded, and a command that sets
   * its threads before touching a model would otherwise fail with {@link UnsatisfiedLinkError}.
   */
  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
  }
}
