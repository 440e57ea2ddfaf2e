package org.orzspark.stages;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.orzspark.timing.Progress;
import org.orzspark.timing.Stopwatch;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A console progress bar for a distributed stage: units done so far of a known total (sequences
 * generated, sequences through the experience, optimizer steps), tokens where the stage counts
 * them, throughput and time left. Tasks add to accumulators as they go; running tasks report
 * partial values in executor heartbeats ({@code spark.executor.heartbeatInterval}), finished tasks
 * their final values, so the bar moves during long tasks. Failed task attempts stop counting.
 */
public final class StageProgress implements AutoCloseable {
  /**
   * What a bar counts.
   *
   * @param verb what the stage does, in front of the bar
   * @param unit the plural name of what its total counts
   * @param tokens whether tasks also count tokens (and the line shows tokens per second)
   */
  public record Counting(String verb, String unit, boolean tokens) {
    public static final Counting GENERATION = new Counting("generating", "sequences", true);
    public static final Counting EXPERIENCE = new Counting("experience", "sequences", false);
    public static final Counting UPDATE = new Counting("updating", "optimizer steps", false);
  }

  private final SparkContext sc;
  private final Counting counting;
  private final LongAccumulator done;
  private final LongAccumulator tokens;
  private final LongAccumulator computeNanos;
  private final CollectionAccumulator<String> placements;
  private final long total;
  private final PrintStream out;
  private final boolean interactive;
  private final Map<Long, long[]> byTask = new ConcurrentHashMap<>();
  private final Listener listener = new Listener();
  private final Thread renderer;
  private final Stopwatch elapsed = Stopwatch.start();
  private volatile boolean closed;

  /**
   * Starts drawing on {@code out}.
   *
   * @param label names the accumulators (e.g. "iteration 3 rollout")
   * @param total how many units the stage will count
   */
  public StageProgress(
      SparkContext sc, String label, Counting counting, long total, PrintStream out) {
    this.sc = sc;
    this.counting = counting;
    this.total = total;
    this.out = out;
    this.interactive = System.console() != null;
    this.done = sc.longAccumulator(label + " " + counting.unit());
    this.tokens = sc.longAccumulator(label + " tokens");
    this.computeNanos = ComputeClock.register(sc);
    this.placements = sc.collectionAccumulator(label + " placements");
    sc.addSparkListener(listener);
    renderer = new Thread(this::renderLoop, "orz-progress");
    renderer.setDaemon(true);
    renderer.start();
  }

  /** Accumulator that tasks add the units they finished to. */
  public LongAccumulator done() {
    return done;
  }

  /** Accumulator that tasks add the tokens they generated to (when the bar counts tokens). */
  public LongAccumulator tokens() {
    return tokens;
  }

  /** The {@link ComputeClock} that the stage's tasks add their time inside the engine to. */
  public LongAccumulator computeNanos() {
    return computeNanos;
  }

  /** Accumulator that tasks add their {@link GpuStages#placement()} to. */
  public CollectionAccumulator<String> placementSink() {
    return placements;
  }

  /** Where the tasks ran, distinct and sorted (driver side). */
  public List<String> placements() {
    return placements.value().stream().distinct().sorted().toList();
  }

  /**
   * Units and tokens counted so far: running tasks as of their last heartbeat, finished ones as the
   * driver merged them (task-end events reach the listener after the job returns, so the final line
   * would otherwise fall short).
   */
  public long[] counts() {
    long units = 0;
    long t = 0;
    for (long[] task : byTask.values()) {
      units += task[0];
      t += task[1];
    }
    return new long[] {Math.max(units, done.value()), Math.max(t, tokens.value())};
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
    if (closed && !last) {
      return; // the renderer woke after the final line
    }
    long[] c = counts();
    double seconds = Math.max(1e-3, elapsed.seconds());
    String line = line(counting, c[0], total, c[1], seconds, last);
    if (interactive) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  /**
   * One progress line: {@code done} of {@code total} units (and {@code tokens}) after {@code
   * seconds}; the last line of a stage says no time left.
   */
  static String line(
      Counting counting, long done, long total, long tokens, double seconds, boolean last) {
    double fraction = total == 0 ? 1 : Math.min(1.0, (double) done / total);
    int width = 30;
    int filled = (int) Math.round(fraction * width);
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    double remaining = Progress.remainingSeconds(done, total, seconds);
    String eta = done == 0 || last ? "" : String.format(Locale.ROOT, ", ETA %.0f s", remaining);
    String rate =
        counting.tokens()
            ? String.format(
                Locale.ROOT, ", %s tokens, %.0f tok/s", compact(tokens), tokens / seconds)
            : "";
    return String.format(
        Locale.ROOT,
        "  %s [%s] %d/%d %s%s%s",
        counting.verb(),
        bar,
        done,
        total,
        counting.unit(),
        rate,
        eta);
  }

  private static String compact(long n) {
    return n >= 10_000 ? String.format(Locale.ROOT, "%.1fk", n / 1000.0) : Long.toString(n);
  }

  /** Stops drawing and prints the final line; once (a stage may end its bar before its output). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
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
        if (info.id() == done.id()) {
          values[0] = ((Number) info.update().get()).longValue();
        } else if (info.id() == tokens.id()) {
          values[1] = ((Number) info.update().get()).longValue();
        }
      }
    }
  }
}
