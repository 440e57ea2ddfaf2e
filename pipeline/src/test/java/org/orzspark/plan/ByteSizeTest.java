package org.orzspark.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

  @Test
  void sizesAreBinaryWithAUnitAsSparkWritesThem() {
    assertThat(ByteSize.parse("80g")).isEqualTo(80L << 30);
    assertThat(ByteSize.parse("80GiB")).isEqualTo(80L << 30);
    assertThat(ByteSize.parse(" 141G ")).isEqualTo(141L << 30);
    assertThat(ByteSize.parse("512m")).isEqualTo(512L << 20);
    assertThat(ByteSize.parse("0.5t")).isEqualTo(1L << 39);
    assertThat(ByteSize.parse("1k")).isEqualTo(1024L);
  }

  @Test
  void aBareNumberOrAnUnknownUnitIsRefused() {
    for (String bad : new String[] {"80", "g", "80x", "-80g", "80 gigs", ""}) {
      assertThatThrownBy(() -> ByteSize.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a memory size with a unit, e.g. 80g");
    }
    assertThatThrownBy(() -> ByteSize.parse("0g")).hasMessageContaining("not a usable memory size");
  }

  @Test
  void formatPicksTheLargestUnitThatKeepsTheNumberAtLeastOne() {
    assertThat(ByteSize.format(0)).isEqualTo("0 B");
    assertThat(ByteSize.format(1023)).isEqualTo("1023 B");
    assertThat(ByteSize.format(1536)).isEqualTo("1.50 KiB");
    assertThat(ByteSize.format(70_896_074_176L)).isEqualTo("66.03 GiB");
    assertThat(ByteSize.format(3L << 40)).isEqualTo("3.00 TiB");
  }
}
