package org.orzspark.stages;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.orzspark.timing.Stopwatch;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A console progress bar for a generation stage: sequences and tokens generated so far, throughput
 * and ETA. Tasks add to two accumulators as they generate; running tasks report partial values in
 * executor heartbeats ({@code spark.executor.heartbeatInterval}), finished tasks their final
 * values, so the bar moves during long tasks. Failed task attempts stop counting.
 */
public final class GenerationProgress implements AutoCloseable {
  private final SparkContext sc;
  private final LongAccumulator sequences;
  private final LongAccumulator tokens;
  private final LongAccumulator computeNanos;
  private final CollectionAccumulator<String> placements;
  private final long totalSequences;
  private final PrintStream out;
  private final boolean interactive;
  private final Map<Long, long[]> byTask = new ConcurrentHashMap<>();
  private final Listener listener = new Listener();
  private final Thread renderer;
  private final Stopwatch elapsed = Stopwatch.start();
  private volatile boolean closed;

  public GenerationProgress(SparkContext sc, String label, long totalSequences, PrintStream out) {
    this.sc = sc;
    this.totalSequences = totalSequences;
    this.out = out;
    this.interactive = System.console() != null;
    this.sequences = sc.longAccumulator(label + " sequences");
    this.tokens = sc.longAccumulator(label + " tokens");
    this.computeNanos = ComputeClock.register(sc);
    this.placements = sc.collectionAccumulator(label + " placements");
    sc.addSparkListener(listener);
    renderer = new Thread(this::renderLoop, "orz-progress");
    renderer.setDaemon(true);
    renderer.start();
  }

  /** Accumulator that generation tasks add finished sequences to. */
  public LongAccumulator sequences() {
    return sequences;
  }

  /** Accumulator that generation tasks add generated tokens to. */
  public LongAccumulator tokens() {
    return tokens;
  }

  /** The {@link ComputeClock} that generation tasks add their time inside the engine to. */
  public LongAccumulator computeNanos() {
    return computeNanos;
  }

  /** Accumulator that generation tasks add their {@link GpuStages#placement()} to. */
  public CollectionAccumulator<String> placementSink() {
    return placements;
  }

  /** Where the generation tasks ran, distinct and sorted (driver side). */
  public List<String> placements() {
    return placements.value().stream().distinct().sorted().toList();
  }

  /** Sequences and tokens counted so far (running tasks as of their last heartbeat). */
  public long[] counts() {
    long s = 0;
    long t = 0;
    for (long[] task : byTask.values()) {
      s += task[0];
      t += task[1];
    }
    return new long[] {s, t};
  }

  private void renderLoop() {
    Stopwatch sinceLine = null;
    while (!closed) {
      try {
        Thread.sleep(interactive ? 500 : 1000);
      } catch (InterruptedException e) {
        return;
      }
      // Without a terminal (CI, logs) print a plain line every 10 s instead of redrawing.
      if (interactive || sinceLine == null || sinceLine.seconds() > 10) {
        render(false);
        sinceLine = Stopwatch.start();
      }
    }
  }

  private synchronized void render(boolean last) {
    long[] c = counts();
    double seconds = Math.max(1e-3, elapsed.seconds());
    double fraction = totalSequences == 0 ? 1 : Math.min(1.0, (double) c[0] / totalSequences);
    int width = 30;
    int filled = (int) Math.round(fraction * width);
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    String eta =
        c[0] == 0 || last ? "" : String.format(", ETA %.0f s", seconds * (1 - fraction) / fraction);
    String line =
        String.format(
            "  generating [%s] %d/%d sequences, %s tokens, %.0f tok/s%s",
            bar, c[0], totalSequences, compact(c[1]), c[1] / seconds, eta);
    if (interactive) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  private static String compact(long n) {
    return n >= 10_000 ? String.format("%.1fk", n / 1000.0) : Long.toString(n);
  }

  @Override
  public void close() {
    closed = true;
    renderer.interrupt();
    sc.removeSparkListener(listener);
    render(true);
  }

  private final class Listener extends SparkListener {
    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task :
          CollectionConverters.asJava(update.accumUpdates())) {
        record((Long) task._1(), task._4());
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskInfo().successful()) {
        record(end.taskInfo().taskId(), end.taskInfo().accumulables().toSeq());
      } else {
        byTask.remove(end.taskInfo().taskId());
      }
    }

    private void record(long taskId, scala.collection.Seq<AccumulableInfo> infos) {
      long[] values = byTask.computeIfAbsent(taskId, id -> new long[2]);
      for (AccumulableInfo info : CollectionConverters.asJava(infos)) {
        if (info.update().isEmpty()) {
          continue;
        }
        if (info.id() == sequences.id()) {
          values[0] = ((Number) info.update().get()).longValue();
        } else if (info.id() == tokens.id()) {
          values[1] = ((Number) info.update().get()).longValue();
        }
      }
    }
  }
}
