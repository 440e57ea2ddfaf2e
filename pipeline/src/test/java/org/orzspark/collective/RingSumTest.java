package org.orzspark.collective;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.orzspark.ppo.GradientAllReduce;

class RingSumTest {

  /** One replica: the trainer gets LOCAL, so its gradients never leave the engine. */
  @Test
  void oneReplicaSumsNothing() throws Exception {
    try (RingAllReduce ring = LocalRings.open(1, Duration.ofSeconds(5)).get(0)) {
      RingSum sum = new RingSum(ring);
      assertThat(sum.orLocal()).isSameAs(GradientAllReduce.LOCAL);
      assertThat(sum.calls()).isZero();
    }
  }

  @Test
  void twoReplicasSumOverTheRingAndCountTheCalls() throws Exception {
    List<RingAllReduce> rings = LocalRings.open(2, Duration.ofSeconds(20));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (RingAllReduce first = rings.get(0);
        RingAllReduce second = rings.get(1)) {
      RingSum mine = new RingSum(first);
      RingSum theirs = new RingSum(second);
      assertThat(mine.orLocal()).isSameAs(mine);
      Future<FloatBuffer> other =
          pool.submit(() -> theirs.orLocal().sum(FloatBuffer.wrap(new float[] {0.5f, 1, 2})));

      FloatBuffer sums = mine.orLocal().sum(FloatBuffer.wrap(new float[] {1, 2, 3}));

      assertThat(sums.array()).containsExactly(1.5f, 3, 5);
      assertThat(other.get().array()).containsExactly(1.5f, 3, 5);
      assertThat(mine.calls()).isEqualTo(1);
      assertThat(mine.nanos()).isPositive();
    } finally {
      pool.shutdownNow();
    }
  }
}
