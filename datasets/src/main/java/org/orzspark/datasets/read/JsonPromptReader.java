package org.orzspark.datasets.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON input formats from text. Every record is parsed on its own by Jackson (strict:
 * duplicate keys, trailing tokens and raw control characters inside strings are errors), so a
 * broken record becomes one quarantine entry and the rest of the file is still read.
 */
public final class JsonPromptReader {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private JsonPromptReader() {}

  /**
   * @param format {@link InputFormat#ORZ}, {@link InputFormat#ORZ_EVAL} or {@link
   *     InputFormat#JSONL}
   * @param sourceFile the file's name as reported in quarantine entries
   * @param source the {@code source} value of its prompts
   * @param text the file's content
   * @throws IllegalArgumentException if a JSON-array format's text is not a JSON array at all
   */
  public static ReadResult read(InputFormat format, String sourceFile, String source, String text) {
    return switch (format) {
      case ORZ -> readArray(sourceFile, source, text, new OrzTrainingFormat());
      case ORZ_EVAL -> readArray(sourceFile, source, text, new OrzEvalFormat());
      case JSONL -> readLines(sourceFile, source, text, new ProblemAnswerFormat());
      default -> throw new IllegalArgumentException("not a JSON format: " + format);
    };
  }

  static ReadResult readArray(String sourceFile, String source, String text, RecordMapper mapper) {
    JsonArraySplitter.Split split;
    try {
      split = JsonArraySplitter.split(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(sourceFile + ": " + e.getMessage(), e);
    }
    List<ParsedPrompt> parsed = new ArrayList<>();
    List<QuarantineEntry> quarantined = new ArrayList<>();
    List<JsonArraySplitter.Element> elements = split.elements();
    for (JsonArraySplitter.Element element : elements) {
      boolean truncated = !split.closed() && element.index() == elements.size() - 1;
      if (truncated) {
        quarantined.add(
            new QuarantineEntry(
                QuarantineReason.MALFORMED_JSON,
                "the file ends inside the array (truncated?); this last element may be incomplete",
                sourceFile,
                element.index(),
                element.text()));
      } else {
        parse(sourceFile, source, element.index(), element.text(), mapper, parsed, quarantined);
      }
    }
    if (!split.trailing().isEmpty()) {
      quarantined.add(
          new QuarantineEntry(
              QuarantineReason.MALFORMED_JSON,
              "text after the array's closing bracket",
              sourceFile,
              elements.size(),
              split.trailing()));
    }
    return new ReadResult(parsed, quarantined);
  }

  /** JSON Lines: one record per non-blank line; positions are 1-based line numbers. */
  static ReadResult readLines(String sourceFile, String source, String text, RecordMapper mapper) {
    List<ParsedPrompt> parsed = new ArrayList<>();
    List<QuarantineEntry> quarantined = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (!line.isBlank()) {
        parse(sourceFile, source, i + 1, line, mapper, parsed, quarantined);
      }
    }
    return new ReadResult(parsed, quarantined);
  }

  private static void parse(
      String sourceFile,
      String source,
      long position,
      String original,
      RecordMapper mapper,
      List<ParsedPrompt> parsed,
      List<QuarantineEntry> quarantined) {
    try {
      JsonNode node = MAPPER.readTree(original);
      if (node == null || node.isMissingNode()) {
        throw new MalformedRecordException(QuarantineReason.MALFORMED_JSON, "empty record");
      }
      parsed.add(new ParsedPrompt(mapper.map(node, source), sourceFile, position, original));
    } catch (JsonProcessingException e) {
      quarantined.add(
          new QuarantineEntry(
              QuarantineReason.MALFORMED_JSON,
              e.getOriginalMessage(),
              sourceFile,
              position,
              original));
    } catch (MalformedRecordException e) {
      quarantined.add(
          new QuarantineEntry(e.reason(), e.getMessage(), sourceFile, position, original));
    }
  }
}
