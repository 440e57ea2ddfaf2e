package org.orzspark.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import org.orzspark.datasets.PromptRecord;

/** Turns one parsed JSON record of an input format into a prompt record. */
interface RecordMapper {
  /**
   * @param node the record
   * @param source the {@code source} value for the prompt (derived from the file name)
   * @throws MalformedRecordException when the record does not have the format's shape
   */
  PromptRecord map(JsonNode node, String source) throws MalformedRecordException;
}
