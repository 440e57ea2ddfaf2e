package org.orzspark.datasets.io;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.orzspark.timing.Stopwatch;

/**
 * The wall time the run store spends on its own bookkeeping, summed per kind over every thread of
 * this JVM (the driver; in local mode the executors too), so that {@code orz bench iteration} can
 * report it measured rather than estimated. The store code times itself with {@link #time}; a scope
 * opened inside another one on the same thread adds nothing, so nested bookkeeping (a marker check
 * that reads a file) is counted once, under the outer kind.
 */
public final class StoreCosts {

  /** What the time was spent on. */
  public enum Kind {
    /** Taking, refreshing (heartbeat) and releasing the run lock; removing crashed leftovers. */
    LOCK,
    /** Writing and checking completion markers: stage outputs and checkpoint manifests. */
    MARKERS,
    /** Looking up (and, off a local run directory, filling) the executors' checkpoint cache. */
    CACHE,
    /** Reading and writing the run's small records: run.json, stage records, metrics.jsonl. */
    RECORDS
  }

  private static final AtomicLongArray NANOS = new AtomicLongArray(Kind.values().length);
  private static final ThreadLocal<Boolean> TIMING = ThreadLocal.withInitial(() -> false);

  private StoreCosts() {}

  /** Times the store's work of {@code kind} until the scope closes (try-with-resources). */
  public static Scope time(Kind kind) {
    if (TIMING.get()) {
      return new Scope(null, null);
    }
    TIMING.set(true);
    return new Scope(kind, Stopwatch.start());
  }

  /** An open timing; closing it adds its time to its kind (nothing for a nested scope). */
  public static final class Scope implements AutoCloseable {
    private final Kind kind;
    private final Stopwatch watch;

    private Scope(Kind kind, Stopwatch watch) {
      this.kind = kind;
      this.watch = watch;
    }

    @Override
    public void close() {
      if (kind != null) {
        NANOS.addAndGet(kind.ordinal(), watch.nanos());
        TIMING.set(false);
      }
    }
  }

  /** The time spent so far, per kind, in nanoseconds. */
  public record Snapshot(Map<Kind, Long> nanos) {

    /** The time spent since {@code earlier}. */
    public Snapshot minus(Snapshot earlier) {
      Map<Kind, Long> since = new EnumMap<>(Kind.class);
      nanos.forEach((kind, n) -> since.put(kind, n - earlier.nanos().getOrDefault(kind, 0L)));
      return new Snapshot(since);
    }

    public double millis(Kind kind) {
      return nanos.getOrDefault(kind, 0L) / 1e6;
    }

    public double totalMillis() {
      return nanos.values().stream().mapToLong(Long::longValue).sum() / 1e6;
    }
  }

  /** The time spent so far in this JVM. */
  public static Snapshot snapshot() {
    Map<Kind, Long> nanos = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      nanos.put(kind, NANOS.get(kind.ordinal()));
    }
    return new Snapshot(nanos);
  }
}
