package org.orzspark.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.orzspark.datasets.PromptRecord;

/**
 * The Open-Reasoner-Zero evaluation record: {@code {"prompt":[{"from":"user","value":Q}],
 * "final_answer":A}} with optional {@code "choices"}: an object from option letter to text (GPQA:
 * {@code {"A":..,"D":..}}, kept in the file's key order) or an array. Other fields go to metadata.
 */
final class OrzEvalFormat implements RecordMapper {

  private static final Set<String> KNOWN = Set.of("prompt", "final_answer", "choices");

  @Override
  public PromptRecord map(JsonNode node, String source) throws MalformedRecordException {
    JsonFields.object(node, "record");
    JsonNode prompt = node.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw new MalformedRecordException(
          QuarantineReason.MISSING_FIELD, "field \"prompt\" is missing");
    }
    JsonFields.turns(prompt, 1, "\"prompt\" must be an array with one user turn");
    JsonNode user = JsonFields.object(prompt.get(0), "prompt[0]");
    JsonFields.expect(user, "from", "user", "prompt[0]");
    String question = JsonFields.text(user, "value", "prompt[0]");
    String answer = JsonFields.text(node, "final_answer", "record");
    return PromptRecord.of(
        question,
        answer,
        source,
        choices(node.get("choices")),
        null,
        JsonFields.extras(node, KNOWN));
  }

  private static List<String> choices(JsonNode choices) throws MalformedRecordException {
    if (choices == null || choices.isNull()) {
      return null;
    }
    List<String> texts = new ArrayList<>();
    if (choices.isObject()) {
      for (Map.Entry<String, JsonNode> choice : choices.properties()) {
        texts.add(JsonFields.text(choices, choice.getKey(), "choices"));
      }
    } else if (choices.isArray()) {
      for (JsonNode choice : choices) {
        if (!choice.isTextual()) {
          throw new MalformedRecordException(
              QuarantineReason.WRONG_SHAPE, "choices: an element is " + JsonFields.kind(choice));
        }
        texts.add(choice.textValue());
      }
    } else {
      throw new MalformedRecordException(
          QuarantineReason.WRONG_SHAPE, "\"choices\" is " + JsonFields.kind(choices));
    }
    return texts;
  }
}
