package org.orzspark.stages;

import org.orzspark.model.TorchThreads;

/**
 * PyTorch's intra-op thread count for a scope, put back when it closes. The count is the whole
 * process's: only a task that knows no other engine work runs in its JVM meanwhile may change it
 * (the lone replica of a local-mode update, whose barrier stage is the only stage running). The
 * count to put back is {@code OMP_NUM_THREADS}, which PyTorch starts with (the launchers set it to
 * one thread per task; the engine's JNI cannot read the count); without it PyTorch already uses
 * every core and nothing changes.
 */
final class IntraOpThreads implements AutoCloseable {
  private final int restore;

  private IntraOpThreads(int restore) {
    this.restore = restore;
  }

  /** Uses {@code threads} intra-op threads until {@link #close} ({@code <= 0}: no change). */
  static IntraOpThreads use(int threads) {
    int configured = configured(System.getenv("OMP_NUM_THREADS"));
    if (threads <= 0 || configured <= 0 || threads == configured) {
      return new IntraOpThreads(0);
    }
    TorchThreads.set(threads);
    return new IntraOpThreads(configured);
  }

  /** The thread count an {@code OMP_NUM_THREADS} value sets, or 0 when it sets none. */
  static int configured(String ompNumThreads) {
    if (ompNumThreads == null || !ompNumThreads.trim().matches("[1-9]\\d{0,5}")) {
      return 0;
    }
    return Integer.parseInt(ompNumThreads.trim());
  }

  @Override
  public void close() {
    if (restore > 0) {
      TorchThreads.set(restore);
    }
  }
}
