package org.orzspark.stages;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a completed stage leaves beside its output as {@code _stage.json}: its wall time and the
 * figures later stages and the metrics need (counts, the data cursor, advantage statistics), so
 * that a resumed iteration reports the same metrics as an uninterrupted one.
 */
public record StageRecord(
    @JsonProperty("stage") String stage,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("figures") Map<String, Double> figures,
    @JsonProperty("notes") Map<String, String> notes) {
  public static final String FILE = "_stage.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public StageRecord {
    figures = new TreeMap<>(figures);
    notes = new TreeMap<>(notes);
  }

  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a {@code _stage.json} ({@link IterationContext#record} reads one from the run). */
  public static StageRecord fromJson(byte[] json) throws IOException {
    return JSON.readValue(json, StageRecord.class);
  }

  public double figure(String name) {
    Double value = figures.get(name);
    if (value == null) {
      throw new IllegalStateException("stage " + stage + " recorded no figure '" + name + "'");
    }
    return value;
  }
}
