package org.orzspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.orzspark.datasets.io.ByteLines;
import org.orzspark.datasets.text.JsonUtf8;
import org.orzspark.datasets.text.StrictUtf8;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.reward.verify.MathVerifier;
import org.orzspark.reward.verify.Verdict;
import org.orzspark.reward.verify.VerifyOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code orz verify --input FILE.jsonl [--output FILE.jsonl]}: Math-Verify-style equivalence of
 * gold/prediction pairs, one JSON object per line, without Spark. Each output line is the input
 * object plus {@code "verified"} (and {@code "reason"} when false for a technical cause), in input
 * order: exactly one output line per input line.
 *
 * <p>Bad bytes are answered, never fatal. The input is read as bytes line by line ({@link
 * ByteLines}, LF or CRLF, a last line without newline included). A line that is not valid UTF-8,
 * longer than {@link ByteLines#MAX_LINE_BYTES_DEFAULT} (1 MiB, skipped without being held), not a
 * JSON object, or without string gold/pred is reported on stderr with its number and why, and
 * answered with {@code "verified": false, "reason": "bad-input"}: the input object when it parsed,
 * else {@code {"line": N}} with an abbreviated {@code "raw"} text when the line was decodable. The
 * output is always valid UTF-8 ({@link JsonUtf8}): a lone surrogate that came from a JSON escape in
 * the input is written as that escape again, never as {@code ?}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Check gold/pred pairs from a JSONL file with Math-Verify semantics (no Spark needed).")
public final class VerifyCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      required = true,
      description =
          "JSONL file: one object per line with gold, pred and optional precision, strict,"
              + " match_types ([\"latex\",\"expr\"]), allow_set_relation_comp, boxed_priority (0 = boxed first).")
  Path input;

  @Option(
      names = "--output",
      description = "Output JSONL file, written atomically (default: standard output).")
  Path output;

  @Option(
      names = "--timeout-ms",
      defaultValue = "" + VerifyOptions.TIMEOUT_MILLIS_DEFAULT,
      description =
          "Last-resort wall-clock net of one check in milliseconds; answers are bounded by work,"
              + " so the net only fires on an overloaded machine (default: ${DEFAULT-VALUE}).")
  long timeoutMillis;

  /** Counts of one run. */
  public record Result(int lines, int verified, int badInput) {}

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(input)) {
      throw new ParameterException(spec.commandLine(), "--input: no such file: " + input);
    }
    if (timeoutMillis <= 0) {
      throw new ParameterException(
          spec.commandLine(), "--timeout-ms must be positive, got " + timeoutMillis);
    }
    Result result = run(input, output, timeoutMillis, System.out, System.err);
    System.err.printf(
        "verify: %d lines, %d verified, %d bad input%n",
        result.lines(), result.verified(), result.badInput());
    return 0;
  }

  public static Result run(
      Path input, Path output, long timeoutMillis, PrintStream stdout, PrintStream stderr)
      throws IOException {
    VerifyOptions defaults = VerifyOptions.DEFAULTS.withTimeoutMillis(timeoutMillis);
    ObjectMapper mapper = new ObjectMapper();
    Path temp =
        output == null
            ? null
            : Files.createTempFile(output.toAbsolutePath().getParent(), ".verify-", ".tmp");
    int lines = 0;
    int verified = 0;
    int bad = 0;
    try (InputStream in = Files.newInputStream(input);
        OutputStream out =
            new BufferedOutputStream(
                temp == null ? unclosable(stdout) : Files.newOutputStream(temp))) {
      ByteLines reader = new ByteLines(in, ByteLines.MAX_LINE_BYTES_DEFAULT);
      for (ByteLines.Line line = reader.next(); line != null; line = reader.next()) {
        lines++;
        ObjectNode answer;
        try {
          answer = verifyLine(mapper, line.number(), text(line), defaults);
        } catch (BadInputException e) {
          bad++;
          stderr.printf("%s:%d: bad input: %s%n", input, line.number(), e.getMessage());
          answer = e.echo != null ? e.echo : mapper.createObjectNode().put("line", line.number());
          answer.put("verified", false).put("reason", Verdict.BAD_INPUT);
        }
        if (answer.path("verified").asBoolean()) {
          verified++;
        }
        out.write(JsonUtf8.encode(mapper.writeValueAsString(answer)));
        out.write('\n');
      }
    } catch (IOException | RuntimeException e) {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
      throw e;
    }
    if (temp != null) {
      Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return new Result(lines, verified, bad);
  }

  /** Standard output stays open after the stream around it is closed. */
  private static OutputStream unclosable(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  private static final class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ObjectNode echo;

    BadInputException(String message, ObjectNode echo) {
      super(message);
      this.echo = echo;
    }
  }

  /** The line's text; a line too long to keep or not UTF-8 is bad input without an echo. */
  private static String text(ByteLines.Line line) throws BadInputException {
    if (line.tooLong()) {
      throw new BadInputException(
          "line of "
              + line.length()
              + " bytes, over the limit of "
              + ByteLines.MAX_LINE_BYTES_DEFAULT,
          null);
    }
    try {
      return StrictUtf8.decode(line.bytes());
    } catch (StrictUtf8.InvalidException e) {
      throw new BadInputException(e.getMessage(), null);
    }
  }

  private static ObjectNode verifyLine(
      ObjectMapper mapper, long number, String line, VerifyOptions defaults)
      throws BadInputException {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
      throw new BadInputException(
          "not JSON (" + notJson.getOriginalMessage() + ")", rawEcho(mapper, number, line));
    }
    if (node == null || !node.isObject()) {
      throw new BadInputException("not a JSON object", rawEcho(mapper, number, line));
    }
    ObjectNode object = (ObjectNode) node;
    if (!object.path("gold").isTextual() || !object.path("pred").isTextual()) {
      throw new BadInputException("gold and pred must be strings", object);
    }
    VerifyOptions options = defaults;
    boolean latex = true;
    boolean expr = true;
    boolean boxedFirst = true;
    try {
      if (object.has("precision")) {
        options = options.withPrecision(requireInt(object, "precision"));
      }
      if (object.has("strict")) {
        options = options.withStrict(requireBoolean(object, "strict"));
      }
      if (object.has("allow_set_relation_comp")) {
        options =
            options.withAllowSetRelationComp(requireBoolean(object, "allow_set_relation_comp"));
      }
      if (object.has("boxed_priority")) {
        boxedFirst = requireInt(object, "boxed_priority") == 0;
      }
      if (object.has("match_types")) {
        JsonNode types = object.get("match_types");
        if (!types.isArray() || types.isEmpty()) {
          throw new IllegalArgumentException(
              "match_types must be a non-empty array of \"latex\"/\"expr\"");
        }
        latex = false;
        expr = false;
        for (JsonNode type : types) {
          switch (type.asText()) {
            case "latex" -> latex = true;
            case "expr" -> expr = true;
            default ->
                throw new IllegalArgumentException(
                    "unknown match type " + type + " (valid: latex, expr)");
          }
        }
      }
    } catch (IllegalArgumentException invalid) {
      throw new BadInputException(invalid.getMessage(), object);
    }
    Verdict verdict =
        MathVerifier.verify(
            object.get("gold").asText(),
            object.get("pred").asText(),
            new ExtractionConfig(latex, expr, boxedFirst),
            options);
    object.put("verified", verdict.equal());
    if (verdict.reason() != null) {
      object.put("reason", verdict.reason());
    }
    return object;
  }

  private static int requireInt(ObjectNode object, String field) {
    JsonNode v = object.get(field);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return v.asInt();
  }

  private static boolean requireBoolean(ObjectNode object, String field) {
    JsonNode v = object.get(field);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(field + " must be true or false");
    }
    return v.asBoolean();
  }

  /** The answer to a line that is text but no object: where it was and how it began. */
  private static ObjectNode rawEcho(ObjectMapper mapper, long number, String line) {
    return mapper.createObjectNode().put("line", number).put("raw", abbreviate(line));
  }

  private static String abbreviate(String line) {
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
