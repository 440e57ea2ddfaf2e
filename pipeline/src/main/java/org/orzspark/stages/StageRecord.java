package org.orzspark.stages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.orzspark.run.Provenance;

/**
 * What a completed stage leaves beside its output as {@code _stage.json}: its wall time and the
 * figures later stages and the metrics need (counts, the data cursor, advantage statistics), so
 * that a resumed iteration reports the same metrics as an uninterrupted one, and the {@link
 * Provenance} of the code and command that wrote it (null in records written before it existed).
 */
public record StageRecord(
    @JsonProperty("stage") String stage,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("figures") Map<String, Double> figures,
    @JsonProperty("notes") Map<String, String> notes,
    @JsonProperty("provenance") @JsonInclude(JsonInclude.Include.NON_NULL) Provenance provenance) {
  public static final String FILE = "_stage.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public StageRecord {
    figures = new TreeMap<>(figures);
    notes = new TreeMap<>(notes);
  }

  /** A record without provenance (tests, tools outside an iteration). */
  public StageRecord(
      String stage, double seconds, Map<String, Double> figures, Map<String, String> notes) {
    this(stage, seconds, figures, notes, null);
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
