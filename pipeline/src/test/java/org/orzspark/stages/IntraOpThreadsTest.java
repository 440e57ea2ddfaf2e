package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntraOpThreadsTest {

  /** What PyTorch starts with, and so what a scope puts back: only a plain positive count. */
  @Test
  void onlyAPositiveOmpNumThreadsSetsACount() {
    assertThat(IntraOpThreads.configured("1")).isEqualTo(1);
    assertThat(IntraOpThreads.configured(" 16 ")).isEqualTo(16);
    assertThat(IntraOpThreads.configured(null)).isZero();
    assertThat(IntraOpThreads.configured("")).isZero();
    assertThat(IntraOpThreads.configured("0")).isZero();
    assertThat(IntraOpThreads.configured("4,2")).isZero();
    assertThat(IntraOpThreads.configured("99999999999")).isZero();
  }
}
