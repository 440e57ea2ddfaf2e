package org.orzspark.datasets.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InputFormatTest {

  private static InputFormat detect(String head) {
    return InputFormat.detect(head.getBytes(StandardCharsets.UTF_8), "f");
  }

  @Test
  void detectsFromTheFirstBytes() {
    assertThat(detect("PAR1\u0015\u0004")).isEqualTo(InputFormat.PARQUET);
    assertThat(detect("\uFEFF[\n  [ {\"from\"")).isEqualTo(InputFormat.ORZ);
    assertThat(detect("[\n  {\"prompt\"")).isEqualTo(InputFormat.ORZ_EVAL);
    assertThat(detect("  {\"problem\": \"x\"}")).isEqualTo(InputFormat.JSONL);
  }

  @Test
  void undecidableStartsAreErrors() {
    assertThatThrownBy(() -> detect("[]")).hasMessageContaining("cannot detect");
    assertThatThrownBy(() -> detect("[1, 2]")).hasMessageContaining("give --format");
    assertThatThrownBy(() -> detect("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesAreTheCommandLineNames() {
    assertThat(InputFormat.byId("ORZ-eval")).isEqualTo(InputFormat.ORZ_EVAL);
    assertThatThrownBy(() -> InputFormat.byId("csv"))
        .hasMessageContaining("unknown input format 'csv'; valid: auto,orz,orz-eval,jsonl,parquet");
  }
}
