package org.orzspark.jobs.train;

/**
 * Where an iteration's wall time goes, on {@code slots} parallel task slots.
 *
 * <p>Executors can run {@code slots} tasks at once, so task work of {@code taskSeconds} (summed
 * over tasks) covers at best {@code taskSeconds / slots} of the wall time. The rest, {@code wall −
 * taskSeconds / slots}, is Spark orchestration as the iteration experiences it: driver-side
 * planning and commits, scheduling and result collection, and slots left idle by uneven tasks.
 *
 * @param wallSeconds the iteration's wall time in the application
 * @param slots task slots (the default parallelism)
 * @param taskSeconds executor run time of all tasks, summed
 * @param computeSeconds time inside the model engine reported by the tasks, summed
 */
public record IterationBreakdown(
    double wallSeconds, int slots, double taskSeconds, double computeSeconds) {

  public IterationBreakdown {
    if (!(wallSeconds > 0) || slots < 1 || taskSeconds < 0 || computeSeconds < 0) {
      throw new IllegalArgumentException(
          "invalid breakdown: wall "
              + wallSeconds
              + " s, "
              + slots
              + " slots, tasks "
              + taskSeconds
              + " s, compute "
              + computeSeconds
              + " s");
    }
  }

  /** {@code max(0, wall − taskSeconds / slots)}. */
  public double orchestrationSeconds() {
    return Math.max(0, wallSeconds - taskSeconds / slots);
  }

  /** Orchestration as a share of the wall time. */
  public double orchestrationShare() {
    return orchestrationSeconds() / wallSeconds;
  }

  /** Model compute as a share of the slot time available: {@code compute / (wall · slots)}. */
  public double computeShare() {
    return computeSeconds / (wallSeconds * slots);
  }
}
