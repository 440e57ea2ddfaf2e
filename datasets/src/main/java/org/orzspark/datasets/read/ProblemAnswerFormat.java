package org.orzspark.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.orzspark.datasets.PromptRecord;

/**
 * A flat record {@code {"problem":Q,"answer":A}} (AIME 2025 style JSON Lines); other fields, such
 * as {@code id}, go to metadata.
 */
final class ProblemAnswerFormat implements RecordMapper {

  private static final Set<String> KNOWN = Set.of("problem", "answer");

  @Override
  public PromptRecord map(JsonNode node, String source) throws MalformedRecordException {
    JsonFields.object(node, "record");
    String question = JsonFields.text(node, "problem", "record");
    String answer = JsonFields.text(node, "answer", "record");
    return PromptRecord.of(question, answer, source, null, null, JsonFields.extras(node, KNOWN));
  }
}
