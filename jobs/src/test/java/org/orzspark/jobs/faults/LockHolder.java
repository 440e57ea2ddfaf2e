package org.orzspark.jobs.faults;

import java.io.IOException;
import org.orzspark.run.RunLock;
import org.orzspark.run.RunStore;

/** Holds a run's lock in a process of its own until that process is killed: another writer. */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    RunStore store = RunStore.open(args[0]);
    // The command as orz iterate names itself in the lock: with the run's qualified path.
    try (RunLock lock = RunLock.acquire(store, "orz iterate --run-dir " + store.layout().root())) {
      System.out.println("held " + lock.file());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
