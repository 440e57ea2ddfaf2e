package org.orzspark.datasets.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonArraySplitterTest {

  private static List<String> texts(JsonArraySplitter.Split split) {
    return split.elements().stream().map(JsonArraySplitter.Element::text).toList();
  }

  @Test
  void splitsAtTopLevelCommasOnly() {
    String text = " [ {\"a\":[1,2],\"b\":\"x,]}\"} , [3,{\"c\":4}] ,\"s\\\"[\" ]\n";
    JsonArraySplitter.Split split = JsonArraySplitter.split(text);
    assertThat(texts(split))
        .containsExactly("{\"a\":[1,2],\"b\":\"x,]}\"}", "[3,{\"c\":4}]", "\"s\\\"[\"");
    assertThat(split.closed()).isTrue();
    assertThat(split.trailing()).isEmpty();
  }

  @Test
  void emptyArrayHasNoElementsButEmptySlotsAreElements() {
    assertThat(texts(JsonArraySplitter.split("[ ]"))).isEmpty();
    assertThat(texts(JsonArraySplitter.split("[1,,2,]"))).containsExactly("1", "", "2", "");
  }

  @Test
  void aBrokenElementDoesNotSwallowItsNeighbours() {
    // Element 1 misses a colon; element 2 has an unknown escape: both stay separate.
    JsonArraySplitter.Split split =
        JsonArraySplitter.split("[{\"a\":1},{\"a\" 2},{\"a\":\"\\q\"}]");
    assertThat(texts(split)).containsExactly("{\"a\":1}", "{\"a\" 2}", "{\"a\":\"\\q\"}");
  }

  @Test
  void truncatedArrayIsReportedAsNotClosed() {
    JsonArraySplitter.Split split = JsonArraySplitter.split("[{\"a\":1},{\"a\":\"unterminated");
    assertThat(texts(split)).containsExactly("{\"a\":1}", "{\"a\":\"unterminated");
    assertThat(split.closed()).isFalse();
  }

  @Test
  void textAfterTheArrayIsKept() {
    assertThat(JsonArraySplitter.split("[1] [2]").trailing()).isEqualTo("[2]");
  }

  @Test
  void nonArrayIsRejectedWithItsStart() {
    assertThatThrownBy(() -> JsonArraySplitter.split("\n{\"problem\":1}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON array")
        .hasMessageContaining("{\"problem\"");
  }
}
