package org.orzspark.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.orzspark.datasets.PromptRecord;

/**
 * The Open-Reasoner-Zero training record: {@code [{"from":"human","value":Q},
 * {"from":"assistant","ground_truth":{"value":A}}]}. Other fields of the turns and of the ground
 * truth (such as a {@code pass_at_n} of a curated set) go to metadata as {@code human.<field>},
 * {@code assistant.<field>} and {@code ground_truth.<field>}, so nothing in the input is lost.
 */
final class OrzTrainingFormat implements RecordMapper {

  @Override
  public PromptRecord map(JsonNode node, String source) throws MalformedRecordException {
    JsonFields.turns(node, 2, "expected an array of 2 turns (human, assistant)");
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
    Map<String, String> metadata = new LinkedHashMap<>();
    putPrefixed(metadata, "human.", JsonFields.extras(human, Set.of("from", "value")));
    putPrefixed(
        metadata, "assistant.", JsonFields.extras(assistant, Set.of("from", "ground_truth")));
    putPrefixed(metadata, "ground_truth.", JsonFields.extras(groundTruth, Set.of("value")));
    return PromptRecord.of(question, answer, source, null, null, metadata);
  }

  private static void putPrefixed(
      Map<String, String> metadata, String prefix, Map<String, String> fields) {
    fields.forEach((field, value) -> metadata.put(prefix + field, value));
  }
}
