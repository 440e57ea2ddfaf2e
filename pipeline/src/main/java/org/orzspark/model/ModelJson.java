package org.orzspark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON of model folders ({@code config.json}, the safetensors header and index): strict parsing
 * of one JSON object, compact or pretty output in the layout Hugging Face's files use ({@code
 * "key": value}, two-space indent, one array element a line).
 */
final class ModelJson {

  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");

  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withObjectEmptySeparator("")
                      .withArrayEmptySeparator(""))
              .withObjectIndenter(INDENT)
              .withArrayIndenter(INDENT));

  private ModelJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses {@code text}, which must hold exactly one JSON object. */
  static ObjectNode parseObject(String text) throws JsonProcessingException {
    JsonNode node = MAPPER.readTree(text);
    if (node == null || !node.isObject()) {
      throw new IllegalStateException(
          "not a JSON object: " + (node == null || node.isMissingNode() ? "empty" : node));
    }
    return (ObjectNode) node;
  }

  static String compact(JsonNode node) throws JsonProcessingException {
    return MAPPER.writeValueAsString(node);
  }

  static String pretty(JsonNode node) throws JsonProcessingException {
    return PRETTY.writeValueAsString(node);
  }

  /** A scalar's text (a string, number or boolean), as a field of a model file must be. */
  static String text(JsonNode node, String field) {
    if (node == null || !node.isValueNode() || node.isNull()) {
      throw new IllegalStateException("field '" + field + "' is not a string: " + node);
    }
    return node.asText();
  }

  /** An integer value (a JSON number, truncated, or a string holding an integer). */
  static long integer(JsonNode node, String field) {
    if (node != null && node.isNumber()) {
      return node.longValue();
    }
    if (node != null && node.isTextual()) {
      return Long.parseLong(node.textValue().trim());
    }
    throw new IllegalStateException("field '" + field + "' is not an integer: " + node);
  }
}
