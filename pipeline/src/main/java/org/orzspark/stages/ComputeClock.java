package org.orzspark.stages;

import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Model compute time (nanoseconds inside the engine: generation, forwards, backward and optimizer
 * steps) of a stage's tasks, summed over executors by a Spark accumulator. Every stage registers
 * its own under the same name, so a listener attributes the time to the stage of the task that
 * reported it ({@code orz bench iteration} does).
 */
public final class ComputeClock {
  /** The accumulator's name, which task-end events carry. */
  public static final String NAME = "orz model compute ns";

  private ComputeClock() {}

  public static LongAccumulator register(SparkContext sc) {
    return sc.longAccumulator(NAME);
  }
}
