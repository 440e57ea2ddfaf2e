package org.orzspark.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShardSizeTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "1000000, 1000000",
    "5GB, 5000000000",
    "5gb, 5000000000",
    "500MB, 500000000",
    "20KB, 20000",
    "1TB, 1000000000000",
    "2GiB, 2147483648",
    "3MiB, 3145728",
    "1KiB, 1024",
    "'  7 MB ', 7000000",
  })
  void sizesAreTransformersUnits(String text, long bytes) {
    assertThat(ShardSize.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "GB", "5 GBs", "1.5GB", "-1", "5XB"})
  void otherTextIsRefusedNamingTheForms(String text) {
    assertThatThrownBy(() -> ShardSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KiB, MiB");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0GB", "9999999999TB"})
  void zeroAndOverflowAreRefused(String text) {
    assertThatThrownBy(() -> ShardSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--max-shard-size");
  }
}
