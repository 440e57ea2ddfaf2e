package org.orzspark.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run state a checkpoint carries in {@code state.json}: the iteration it completes and the data
 * cursor the next iteration draws its prompts from. This record is the one reader and writer of the
 * file's keys ({@value #ITERATION}, {@value #CURSOR_EPOCH}, {@value #CURSOR_OFFSET}).
 */
public record CheckpointState(int iteration, PromptSampler.Cursor cursor) implements Serializable {
  public static final String ITERATION = "iteration";
  public static final String CURSOR_EPOCH = "cursor_epoch";
  public static final String CURSOR_OFFSET = "cursor_offset";

  /** The state of checkpoint 0: nothing drawn yet. */
  public static final CheckpointState INITIAL = new CheckpointState(0, PromptSampler.Cursor.START);

  /** The JSON object of {@code state.json}, keys in file order. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(ITERATION, iteration);
    json.put(CURSOR_EPOCH, cursor.epoch());
    json.put(CURSOR_OFFSET, cursor.offset());
    return json;
  }

  /** Reads the JSON object of {@code state.json}; a missing key fails and names the key. */
  public static CheckpointState fromJson(JsonNode json) {
    return new CheckpointState(
        required(json, ITERATION),
        new PromptSampler.Cursor(required(json, CURSOR_EPOCH), required(json, CURSOR_OFFSET)));
  }

  private static int required(JsonNode json, String key) {
    JsonNode value = json.get(key);
    if (value == null || !value.canConvertToInt()) {
      throw new IllegalArgumentException("state.json has no integer '" + key + "': " + json);
    }
    return value.intValue();
  }
}
