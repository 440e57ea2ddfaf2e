package org.orzspark.datasets.curate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/** The {@code _summary.json} every curation step writes next to its output. */
public final class CurationSummary {

  public static final String FILE = "_summary.json";
  public static final String REMOVED_FOLDER = "_removed";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private CurationSummary() {}

  public static String json(Map<String, Object> summary) {
    try {
      return JSON.writeValueAsString(summary);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("summary of plain values must serialise", e);
    }
  }
}
