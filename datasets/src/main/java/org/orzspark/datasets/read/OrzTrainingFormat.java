package org.orzspark.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.orzspark.datasets.PromptRecord;

/**
 * The Open-Reasoner-Zero training record: {@code [{"from":"human","value":Q},
 * {"from":"assistant","ground_truth":{"value":A}}]}.
 */
final class OrzTrainingFormat implements RecordMapper {

  @Override
  public PromptRecord map(JsonNode node, String source) throws MalformedRecordException {
    if (!node.isArray() || node.size() != 2) {
      throw new MalformedRecordException(
          QuarantineReason.WRONG_SHAPE,
          "expected an array of 2 turns (human, assistant), got "
              + (node.isArray() ? node.size() + " turns" : JsonFields.kind(node)));
    }
    JsonNode human = JsonFields.object(node.get(0), "turn 0");
    JsonFields.expect(human, "from", "human", "turn 0");
    String question = JsonFields.text(human, "value", "turn 0");
    JsonNode assistant = JsonFields.object(node.get(1), "turn 1");
    JsonFields.expect(assistant, "from", "assistant", "turn 1");
    JsonNode groundTruth = assistant.get("ground_truth");
    if (groundTruth == null || groundTruth.isNull()) {
      throw new MalformedRecordException(
          QuarantineReason.MISSING_FIELD, "turn 1: field \"ground_truth\" is missing");
    }
    String answer =
        JsonFields.text(
            JsonFields.object(groundTruth, "turn 1 ground_truth"), "value", "ground_truth");
    return PromptRecord.of(question, answer, source, null, null, Map.of());
  }
}
