package org.orzspark.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Field access on a parsed JSON record that reports a wrong shape as a quarantine reason. */
final class JsonFields {
  private JsonFields() {}

  /** The object at {@code node}, or {@link QuarantineReason#WRONG_SHAPE}. */
  static JsonNode object(JsonNode node, String what) throws MalformedRecordException {
    if (node == null || !node.isObject()) {
      throw new MalformedRecordException(
          QuarantineReason.WRONG_SHAPE, what + " is not a JSON object: " + kind(node));
    }
    return node;
  }

  /**
   * A text field. A JSON number is accepted and kept as written in integer form or plain decimal
   * form ({@code 70}, {@code 0.50}): answers such as AIME's are numbers in some files.
   */
  static String text(JsonNode parent, String field, String what) throws MalformedRecordException {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      throw new MalformedRecordException(
          QuarantineReason.MISSING_FIELD, what + ": field \"" + field + "\" is missing");
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue().toString();
    }
    if (value.isNumber()) {
      return value.decimalValue().toPlainString();
    }
    throw new MalformedRecordException(
        QuarantineReason.WRONG_SHAPE,
        what + ": field \"" + field + "\" is " + kind(value) + ", not a string");
  }

  /**
   * A conversation of exactly {@code count} turns, or {@code WRONG_SHAPE} naming {@code expected}.
   */
  static void turns(JsonNode node, int count, String expected) throws MalformedRecordException {
    if (!node.isArray() || node.size() != count) {
      throw new MalformedRecordException(
          QuarantineReason.WRONG_SHAPE,
          expected + ", got " + (node.isArray() ? node.size() + " turns" : kind(node)));
    }
  }

  /** A field that must hold the given string (a conversation role). */
  static void expect(JsonNode parent, String field, String expected, String what)
      throws MalformedRecordException {
    String actual = text(parent, field, what);
    if (!actual.equals(expected)) {
      throw new MalformedRecordException(
          QuarantineReason.WRONG_SHAPE,
          what + ": \"" + field + "\" is \"" + actual + "\", expected \"" + expected + "\"");
    }
  }

  /**
   * The object's fields other than {@code known}, as metadata: strings as they are, other values as
   * their JSON text, so nothing in the input is lost.
   */
  static Map<String, String> extras(JsonNode object, Set<String> known) {
    Map<String, String> extras = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!known.contains(field.getKey())) {
        JsonNode value = field.getValue();
        extras.put(field.getKey(), value.isTextual() ? value.textValue() : value.toString());
      }
    }
    return extras;
  }

  static String kind(JsonNode node) {
    return node == null ? "absent" : node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
