package org.orzspark.jobs;

import java.util.Optional;
import java.util.function.Predicate;

/** Processes an orz command started earlier and recorded by pid (a cluster, a History Server). */
public final class Processes {
  private Processes() {}

  /**
   * The process {@code pid} when it is alive and its command line is one of ours ({@code ours}): a
   * recorded pid alone proves nothing, as pids are reused once a process is gone.
   */
  public static Optional<ProcessHandle> ownAlive(long pid, Predicate<String> ours) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(ours::test).orElse(false));
  }
}
