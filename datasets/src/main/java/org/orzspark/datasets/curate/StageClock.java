package org.orzspark.datasets.curate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.orzspark.timing.Stopwatch;

/** Wall time per named stage, in the order the stages first ran; repeated names add up. */
public final class StageClock {

  private final Map<String, Long> millis = new LinkedHashMap<>();

  public <T> T time(String stage, Supplier<T> work) {
    Stopwatch clock = Stopwatch.start();
    try {
      return work.get();
    } finally {
      millis.merge(stage, clock.millis(), Long::sum);
    }
  }

  /** Milliseconds per stage, in run order. */
  public Map<String, Long> millis() {
    return new LinkedHashMap<>(millis);
  }
}
