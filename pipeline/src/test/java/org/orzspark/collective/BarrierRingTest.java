package org.orzspark.collective;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.SharedSpark;

class BarrierRingTest {

  @Test
  void barrierTasksAllReduceTheirVectorsOverTheRing() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext());
    List<String> results =
        BarrierStage.collect(
            sc.parallelize(List.of(1, 2), 2),
            values -> {
              BarrierTaskContext context = BarrierTaskContext.get();
              float[] data = new float[10];
              int value = values.next();
              java.util.Arrays.fill(data, value);
              try (RingAllReduce ring = BarrierRing.open(context, Duration.ofSeconds(30))) {
                ring.sumInPlace(data);
              }
              return List.of(context.partitionId() + ":" + data[0] + ":" + data[9]).iterator();
            },
            String.class);
    assertThat(results).containsExactlyInAnyOrder("0:3.0:3.0", "1:3.0:3.0");
  }
}
