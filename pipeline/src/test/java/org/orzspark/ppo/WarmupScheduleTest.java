package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WarmupScheduleTest {
  @Test
  void linearOverFiftyStepsThenConstant() {
    WarmupSchedule policy = WarmupSchedule.policy();
    // step k uses 1e-6 * min(1, k / 50)
    assertThat(policy.learningRate(1)).isCloseTo(2e-8, within(1e-20));
    assertThat(policy.learningRate(25)).isCloseTo(5e-7, within(1e-20));
    assertThat(policy.learningRate(49)).isCloseTo(9.8e-7, within(1e-20));
    assertThat(policy.learningRate(50)).isEqualTo(1e-6);
    assertThat(policy.learningRate(51)).isEqualTo(1e-6);
    assertThat(policy.learningRate(10_000)).isEqualTo(1e-6);
    WarmupSchedule critic = WarmupSchedule.critic();
    assertThat(critic.learningRate(10)).isCloseTo(1e-6, within(1e-20));
    assertThat(critic.learningRate(60)).isEqualTo(5e-6);
    assertThat(new WarmupSchedule(0.1, 0).learningRate(1)).isEqualTo(0.1);
    assertThat(new WarmupSchedule(0, 50).learningRate(7)).as("a frozen policy").isZero();
    assertThatThrownBy(() -> new WarmupSchedule(-1e-6, 50))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsInvalidArguments() {
    assertThatThrownBy(() -> WarmupSchedule.policy().learningRate(0))
        .hasMessageContaining("1-based");
    assertThatThrownBy(() -> new WarmupSchedule(-1, 5)).hasMessageContaining("learning rate");
    assertThatThrownBy(() -> new WarmupSchedule(1, -5)).hasMessageContaining("warm-up");
  }
}
