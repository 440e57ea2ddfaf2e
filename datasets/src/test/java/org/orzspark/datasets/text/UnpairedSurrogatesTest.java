package org.orzspark.datasets.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnpairedSurrogatesTest {

  @Test
  void unpairedSurrogatesAreFoundAtEitherHalf() {
    assertThat(UnpairedSurrogates.indexIn("ab\ud83d\ude00c", 0)).isEqualTo(-1);
    assertThat(UnpairedSurrogates.indexIn("ab\ude00", 0)).isEqualTo(2);
    assertThat(UnpairedSurrogates.indexIn("\ud800\ud800\udc00", 0)).isEqualTo(0);
    assertThat(UnpairedSurrogates.indexIn("\ud800\ud800\udc00", 1)).isEqualTo(-1);
    assertThat(UnpairedSurrogates.at("x\ud800", 1)).isTrue();
    assertThat(UnpairedSurrogates.at("\ud83d\ude00", 1)).isFalse();
  }
}
