package org.orzspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
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
 * order. A malformed line is reported on stderr with its number and answered with {@code
 * "verified": false, "reason": "bad-input"}; the rest is still processed.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Check gold/pred pairs from a JSONL file with Math-Verify semantics (no Spark needed).")
public final class VerifyCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      required = true,
      description = "JSONL file: one object per line with gold, pred and optional precision, strict,"
          + " match_types ([\"latex\",\"expr\"]), allow_set_relation_comp, boxed_priority (0 = boxed first).")
  Path input;

  @Option(names = "--output", description = "Output JSONL file, written atomically (default: standard output).")
  Path output;

  @Option(
      names = "--timeout-ms",
      defaultValue = "" + VerifyOptions.TIMEOUT_MILLIS_DEFAULT,
      description = "Wall-time limit of one check in milliseconds (default: ${DEFAULT-VALUE}).")
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
      throw new ParameterException(spec.commandLine(), "--timeout-ms must be positive, got " + timeoutMillis);
    }
    Result result = run(input, output, timeoutMillis, System.out, System.err);
    System.err.printf("verify: %d lines, %d verified, %d bad input%n", result.lines(), result.verified(), result.badInput());
    return 0;
  }

  public static Result run(Path input, Path output, long timeoutMillis, PrintStream stdout, PrintStream stderr)
      throws IOException {
    VerifyOptions defaults = VerifyOptions.DEFAULTS.withTimeoutMillis(timeoutMillis);
    ObjectMapper mapper = new ObjectMapper();
    Path temp = output == null ? null : Files.createTempFile(output.toAbsolutePath().getParent(), ".verify-", ".tmp");
    int lines = 0;
    int verified = 0;
    int bad = 0;
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
        Writer writer =
            temp == null
                ? new BufferedWriter(new OutputStreamWriter(unclosable(stdout), StandardCharsets.UTF_8))
                : Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines++;
        ObjectNode out;
        try {
          out = verifyLine(mapper, line, defaults);
        } catch (BadInputException e) {
          bad++;
          stderr.printf("%s:%d: bad input: %s%n", input, lines, e.getMessage());
          out = e.echo != null ? e.echo : mapper.createObjectNode().put("line", lines).put("raw", abbreviate(line));
          out.put("verified", false).put("reason", Verdict.BAD_INPUT);
        }
        if (out.path("verified").asBoolean()) {
          verified++;
        }
        writer.write(mapper.writeValueAsString(out));
        writer.write('\n');
      }
      writer.flush();
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

  /** Standard output stays open after the writer around it is closed. */
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

  private static ObjectNode verifyLine(ObjectMapper mapper, String line, VerifyOptions defaults) throws BadInputException {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
      throw new BadInputException("not JSON (" + notJson.getOriginalMessage() + ")", null);
    }
    if (node == null || !node.isObject()) {
      throw new BadInputException("not a JSON object", null);
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
        options = options.withAllowSetRelationComp(requireBoolean(object, "allow_set_relation_comp"));
      }
      if (object.has("boxed_priority")) {
        boxedFirst = requireInt(object, "boxed_priority") == 0;
      }
      if (object.has("match_types")) {
        JsonNode types = object.get("match_types");
        if (!types.isArray() || types.isEmpty()) {
          throw new IllegalArgumentException("match_types must be a non-empty array of \"latex\"/\"expr\"");
        }
        latex = false;
        expr = false;
        for (JsonNode type : types) {
          switch (type.asText()) {
            case "latex" -> latex = true;
            case "expr" -> expr = true;
            default -> throw new IllegalArgumentException("unknown match type " + type + " (valid: latex, expr)");
          }
        }
      }
    } catch (IllegalArgumentException invalid) {
      throw new BadInputException(invalid.getMessage(), object);
    }
    Verdict verdict =
        MathVerifier.verify(
            object.get("gold").asText(), object.get("pred").asText(), new ExtractionConfig(latex, expr, boxedFirst), options);
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

  private static String abbreviate(String line) {
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
