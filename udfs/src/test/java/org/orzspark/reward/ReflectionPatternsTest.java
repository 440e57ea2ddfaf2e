package org.orzspark.reward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReflectionPatternsTest {
  @Test
  void matchesTheReferenceRegexesCaseSensitively() {
    assertThat(
            ReflectionPatterns.find(
                "hmm, wait, let me recheck this. however, alternatively, retry", false))
        .containsExactly("wait,", "recheck", "retry", "alternatively,", "however,");
    assertThat(ReflectionPatterns.find("Wait, Recheck. However, we wait. recheck.", false))
        .isEmpty();
    assertThat(ReflectionPatterns.find("recheck\nit", false)).containsExactly("recheck");
    assertThat(ReflectionPatterns.find("rechecked", false)).isEmpty();
  }

  @Test
  void caseInsensitiveSwitchAndNull() {
    assertThat(ReflectionPatterns.find("Wait, However, RETRY", true))
        .containsExactly("wait,", "retry", "however,");
    assertThat(ReflectionPatterns.find(null, true)).isEmpty();
    assertThat(ReflectionPatterns.any("no reflection here", false)).isFalse();
  }
}
