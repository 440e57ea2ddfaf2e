package org.orzspark.jobs.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where one iteration's time goes, on {@code slots} parallel task slots, as one {@code
 * spark-submit} pays it.
 *
 * <p>The slot time available, {@code wall · slots}, splits into four parts:
 *
 * <ul>
 *   <li><b>model compute</b> ({@code computeSeconds}): time inside the model engine;
 *   <li><b>in-task non-compute</b> ({@code taskSeconds − computeSeconds}): the rest of the time
 *       tasks held slots: deserialisation, state loading, Parquet I/O, result collection;
 *   <li><b>idle slots</b> ({@code stageSpanSeconds · slots − taskSeconds}): slot time inside
 *       running stages that no task used (too few or uneven tasks);
 *   <li><b>driver gaps</b> ({@code (wall − stageSpanSeconds) · slots}): no stage running at all
 *       (planning, commits, state hashing on the driver).
 * </ul>
 *
 * <p>The <b>fixed cost</b> is everything but model compute and idle slots, in wall seconds: {@code
 * applicationStart + (wall · slots − compute − idle) / slots = applicationStart + driver gaps +
 * in-task non-compute / slots}. The <b>orchestration share</b> is that fixed cost over the time one
 * {@code spark-submit} of the iteration takes, {@code applicationStart + wall}: idle slots count in
 * neither the cost nor against it, so the share says what Spark and the stages' plumbing cost, not
 * how well the work fills the slots. Each part is clamped at zero (the clocks of the driver and the
 * tasks differ by milliseconds).
 *
 * @param applicationStartSeconds JVM launch to SparkSession ready, paid once per {@code
 *     spark-submit}
 * @param wallSeconds the iteration's wall time in the application
 * @param slots task slots (the default parallelism)
 * @param stageSpanSeconds time some Spark stage of the iteration was running (the union of the
 *     stages' submission-to-completion intervals, {@link #unionSeconds})
 * @param taskSeconds slot time the tasks held, launch to finish, summed
 * @param computeSeconds time inside the model engine reported by the tasks, summed
 */
public record IterationBreakdown(
    double applicationStartSeconds,
    double wallSeconds,
    int slots,
    double stageSpanSeconds,
    double taskSeconds,
    double computeSeconds) {

  /** A time interval in epoch milliseconds, {@code start <= end}. */
  public record Span(long startMillis, long endMillis) {
    public Span {
      if (endMillis < startMillis) {
        throw new IllegalArgumentException("span ends before it starts: " + this);
      }
    }
  }

  public IterationBreakdown {
    if (!(wallSeconds > 0)
        || slots < 1
        || applicationStartSeconds < 0
        || stageSpanSeconds < 0
        || taskSeconds < 0
        || computeSeconds < 0) {
      throw new IllegalArgumentException(
          String.format(
              "invalid breakdown: start %s s, wall %s s, %d slots, stages %s s, tasks %s s,"
                  + " compute %s s",
              applicationStartSeconds,
              wallSeconds,
              slots,
              stageSpanSeconds,
              taskSeconds,
              computeSeconds));
    }
  }

  /** The derived figures, as {@code orz bench iteration} prints them and writes them to JSON. */
  public record Overheads(
      double fixedCostSeconds,
      double driverGapSeconds,
      double inTaskSeconds,
      double idleSlotSeconds,
      double idleSlotShare,
      double orchestrationShare,
      double uncoveredSeconds) {}

  /** This breakdown's derived figures. */
  public Overheads overheads() {
    return new Overheads(
        fixedCostSeconds(),
        driverGapSeconds(),
        inTaskSeconds(),
        idleSlotSeconds(),
        idleSlotShare(),
        orchestrationShare(),
        uncoveredSeconds());
  }

  /** Seconds covered by at least one of {@code spans} (overlaps counted once). */
  public static double unionSeconds(List<Span> spans) {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparingLong(Span::startMillis));
    long covered = 0;
    long end = Long.MIN_VALUE;
    for (Span s : sorted) {
      if (s.endMillis() > end) {
        covered += s.endMillis() - Math.max(s.startMillis(), end);
        end = s.endMillis();
      }
    }
    return covered / 1e3;
  }

  /** The stage span, at most the wall time. */
  private double stageSeconds() {
    return Math.min(stageSpanSeconds, wallSeconds);
  }

  /** Slot-seconds inside running stages that no task used: {@code max(0, span · slots − tasks)}. */
  public double idleSlotSeconds() {
    return Math.max(0, stageSeconds() * slots - taskSeconds);
  }

  /** Idle slot-seconds as a share of the slot time available, {@code wall · slots}. */
  public double idleSlotShare() {
    return idleSlotSeconds() / (wallSeconds * slots);
  }

  /** Wall seconds in which no stage ran: {@code wall − span}. */
  public double driverGapSeconds() {
    return wallSeconds - stageSeconds();
  }

  /**
   * Tasks' time outside the model engine, in wall seconds: {@code max(0, tasks − compute) / slots}.
   */
  public double inTaskSeconds() {
    return Math.max(0, taskSeconds - computeSeconds) / slots;
  }

  /** Everything but model compute and idle slots: start + driver gaps + in-task non-compute. */
  public double fixedCostSeconds() {
    return applicationStartSeconds + driverGapSeconds() + inTaskSeconds();
  }

  /** {@link #fixedCostSeconds} over {@code applicationStart + wall}. */
  public double orchestrationShare() {
    return fixedCostSeconds() / (applicationStartSeconds + wallSeconds);
  }

  /**
   * Wall seconds that task work on all slots cannot cover, {@code max(0, wall − tasks / slots)}:
   * driver gaps plus idle slots per slot.
   */
  public double uncoveredSeconds() {
    return Math.max(0, wallSeconds - taskSeconds / slots);
  }

  /** Model compute as a share of the slot time available: {@code compute / (wall · slots)}. */
  public double computeShare() {
    return computeSeconds / (wallSeconds * slots);
  }
}
