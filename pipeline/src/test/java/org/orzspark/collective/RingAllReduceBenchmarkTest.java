package org.orzspark.collective;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.orzspark.timing.Stopwatch;

/**
 * The ring alone, without Spark or the model: two ranks as threads of this JVM sum 1M floats 200
 * times; prints the mean and median milliseconds per call over the last three quarters.
 */
@Tag("slow")
class RingAllReduceBenchmarkTest {
  @Test
  void twoRanksSumAMillionFloats() throws Exception {
    int n = 2;
    int floats = 1 << 20;
    int rounds = 200;
    List<RingAllReduce> rings = LocalRings.open(n, Duration.ofSeconds(20));
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        results.add(
            pool.submit(
                () -> {
                  FloatBuffer data =
                      ByteBuffer.allocateDirect(floats * 4)
                          .order(ByteOrder.nativeOrder())
                          .asFloatBuffer();
                  long[] nanos = new long[rounds];
                  try (RingAllReduce ring = rings.get(rank)) {
                    for (int round = 0; round < rounds; round++) {
                      for (int i = 0; i < floats; i++) {
                        data.put(i, 1);
                      }
                      nanos[round] = Stopwatch.nanosOf(() -> ring.sumInPlace(data));
                      assertThat(data.get(floats - 1)).isEqualTo(2f);
                    }
                  }
                  return nanos;
                }));
      }
      for (Future<long[]> result : results) {
        long[] nanos = result.get();
        long[] warm = Arrays.copyOfRange(nanos, rounds / 4, rounds);
        Arrays.sort(warm);
        System.out.printf(
            "ring 2 ranks, %d floats: mean %.2f ms, median %.2f ms per call%n",
            floats, Arrays.stream(warm).average().orElse(0) / 1e6, warm[warm.length / 2] / 1e6);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
