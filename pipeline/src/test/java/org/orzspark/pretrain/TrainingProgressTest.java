package org.orzspark.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingProgressTest {

  @Test
  void lineShowsStepLossRateThroughputAndEta() {
    // 150 of 1500 steps in 42 s -> 1350 steps left at 0.28 s = 378 s = 6:18.
    assertThat(TrainingProgress.line(150, 1500, 1.23456, 9.8e-4, 0.834, 12345.4, 42))
        .isEqualTo(
            "step 150/1500  loss 1.2346  lr 9.80e-04  |g| 0.83  12,345 tok/s  elapsed 0:42  eta"
                + " 6:18");
  }
}
