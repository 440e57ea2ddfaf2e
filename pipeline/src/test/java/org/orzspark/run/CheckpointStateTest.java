package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CheckpointStateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theStateRoundTripsThroughItsJson() throws Exception {
    CheckpointState state = new CheckpointState(7, new PromptSampler.Cursor(2, 13));
    String text = JSON.writeValueAsString(state.toJson());
    assertThat(CheckpointState.fromJson(JSON.readTree(text))).isEqualTo(state);
  }

  @Test
  void stateJsonWrittenBeforeTheRecordStillReads() throws Exception {
    // the keys of state.json as checkpoints of earlier versions carry them
    String old = "{\"iteration\":3,\"cursor_epoch\":1,\"cursor_offset\":40}";
    assertThat(CheckpointState.fromJson(JSON.readTree(old)))
        .isEqualTo(new CheckpointState(3, new PromptSampler.Cursor(1, 40)));
    assertThat(JSON.writeValueAsString(CheckpointState.INITIAL.toJson()))
        .isEqualTo("{\"iteration\":0,\"cursor_epoch\":0,\"cursor_offset\":0}");
  }

  @Test
  void aMissingKeyIsNamed() {
    assertThatThrownBy(
            () -> CheckpointState.fromJson(JSON.readTree("{\"iteration\":3,\"cursor_epoch\":1}")))
        .hasMessageContaining("cursor_offset");
  }

  @Test
  void theCursorNoteRoundTrips() {
    PromptSampler.Cursor cursor = new PromptSampler.Cursor(4, 9);
    assertThat(cursor.text()).isEqualTo("4:9");
    assertThat(PromptSampler.Cursor.parse(cursor.text())).isEqualTo(cursor);
    assertThatThrownBy(() -> PromptSampler.Cursor.parse("4")).hasMessageContaining("epoch:offset");
  }
}
