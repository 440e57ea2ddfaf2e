package org.orzspark.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.QuarantineTable;
import org.orzspark.datasets.read.InputFormat;
import org.orzspark.datasets.read.ParsedPrompt;
import org.orzspark.datasets.read.PromptFiles;
import org.orzspark.datasets.read.PromptValidator;
import org.orzspark.datasets.read.QuarantineEntry;
import org.orzspark.datasets.read.QuarantineReason;
import org.orzspark.datasets.read.ReadResult;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz prepare}: reads prompt files, validates every record and writes one prompt table.
 *
 * <p>Output folder, written atomically ({@link AtomicOutput}, {@code _SUCCESS} last):
 *
 * <pre>
 * DIR/part-*.parquet     accepted prompts (PromptSchema)
 * DIR/_quarantine/       rejected records (QuarantineTable): reason, detail, source file,
 *                        position, original text
 * DIR/_summary.json      counts: read, written, quarantined by reason, per input
 * DIR/_SUCCESS
 * </pre>
 *
 * Every record read is either written or quarantined: {@code read = written + quarantined}.
 */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description =
        "Validate prompt files (ORZ JSON, ORZ eval JSON, JSONL, Parquet) into one prompt table.")
public final class PrepareCommand implements Callable<Integer> {

  static final String SUMMARY_FILE = "_summary.json";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  @Option(
      names = "--input",
      required = true,
      arity = "1..*",
      description = "Input files (or Parquet folders); any Hadoop path.")
  List<String> inputs;

  @Option(names = "--output", required = true, description = "Output folder (any Hadoop path).")
  String output;

  @Option(
      names = "--format",
      defaultValue = "auto",
      converter = InputFormatConverter.class,
      description =
          "Input format: auto, orz, orz-eval, jsonl, parquet (default: ${DEFAULT-VALUE}).")
  InputFormat format;

  @Option(
      names = "--max-question-chars",
      defaultValue = "16384",
      description = "Longer questions are quarantined as oversize (default: ${DEFAULT-VALUE}).")
  int maxQuestionChars;

  @Option(
      names = "--max-answer-chars",
      defaultValue = "1024",
      description = "Longer answers are quarantined as oversize (default: ${DEFAULT-VALUE}).")
  int maxAnswerChars;

  @Mixin OverwriteOption overwrite = new OverwriteOption();

  /** Counts for one input file. */
  public record InputCounts(String path, long read, long written, long quarantined) {}

  /**
   * The outcome of a prepare run.
   *
   * @param output the output folder, qualified
   * @param read records read from all inputs
   * @param written records in the prompt table
   * @param quarantinedByReason quarantined records per reason code (only reasons that occurred)
   * @param inputs per-input counts in the order given
   * @param wallMillis wall time of the run
   */
  public record Result(
      String output,
      long read,
      long written,
      Map<String, Long> quarantinedByReason,
      List<InputCounts> inputs,
      long wallMillis) {

    public long quarantined() {
      return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** One line for the console. */
    public String describe() {
      return String.format(
          "prepare: read %d, written %d, quarantined %d %s in %.1f s -> %s",
          read, written, quarantined(), quarantinedByReason, wallMillis / 1000.0, output);
    }
  }

  @Override
  public Integer call() throws IOException {
    PromptValidator.Limits limits = new PromptValidator.Limits(maxQuestionChars, maxAnswerChars);
    return SparkJob.printSummary(
        "orz prepare",
        spark -> run(spark, inputs, output, format, limits, overwrite.requested()).describe());
  }

  /** Reads, validates and writes; see the class comment for the output layout. */
  public static Result run(
      SparkSession spark,
      List<String> inputs,
      String output,
      InputFormat format,
      PromptValidator.Limits limits,
      boolean overwrite)
      throws IOException {
    Stopwatch clock = Stopwatch.start();
    spark.sparkContext().setJobGroup("prepare", "orz prepare: " + output, false);
    // Opened first so that an existing output is reported before any input is read.
    try (AtomicOutput out =
        AtomicOutput.begin(spark.sparkContext().hadoopConfiguration(), output, overwrite)) {
      PromptValidator validator = new PromptValidator(limits);
      Map<String, Long> readPerInput = new LinkedHashMap<>();
      for (String input : inputs) {
        ReadResult read = PromptFiles.read(spark, input, format);
        readPerInput.merge(input, (long) read.recordsRead(), Long::sum);
        validator.addQuarantined(read.quarantined());
        validator.addAll(read.parsed());
      }
      List<QuarantineEntry> quarantined = validator.quarantined();
      out.writeParquet(PromptSchema.toDataFrame(spark, validator.accepted()), "");
      out.writeParquet(QuarantineTable.toDataFrame(spark, quarantined), QuarantineTable.FOLDER);
      Result result =
          new Result(
              out.target(),
              readPerInput.values().stream().mapToLong(Long::longValue).sum(),
              validator.accepted().size(),
              countByReason(quarantined),
              perInput(readPerInput, validator.acceptedPrompts(), quarantined),
              clock.millis());
      out.writeText(SUMMARY_FILE, summaryJson(result));
      out.commit();
      return result;
    }
  }

  private static Map<String, Long> countByReason(List<QuarantineEntry> quarantined) {
    Map<QuarantineReason, Long> counts = new EnumMap<>(QuarantineReason.class);
    quarantined.forEach(q -> counts.merge(q.reason(), 1L, Long::sum));
    Map<String, Long> byCode = new TreeMap<>();
    counts.forEach((reason, n) -> byCode.put(reason.code(), n));
    return byCode;
  }

  private static List<InputCounts> perInput(
      Map<String, Long> readPerInput,
      List<ParsedPrompt> accepted,
      List<QuarantineEntry> quarantined) {
    Map<String, Long> written = new TreeMap<>();
    accepted.forEach(p -> written.merge(p.sourceFile(), 1L, Long::sum));
    Map<String, Long> rejected = new TreeMap<>();
    quarantined.forEach(q -> rejected.merge(q.sourceFile(), 1L, Long::sum));
    List<InputCounts> counts = new ArrayList<>();
    readPerInput.forEach(
        (path, read) ->
            counts.add(
                new InputCounts(
                    path, read, written.getOrDefault(path, 0L), rejected.getOrDefault(path, 0L))));
    return counts;
  }

  private static String summaryJson(Result result) throws JsonProcessingException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("output", result.output());
    summary.put("read", result.read());
    summary.put("written", result.written());
    summary.put("quarantined", result.quarantined());
    summary.put("quarantined_by_reason", result.quarantinedByReason());
    summary.put("inputs", result.inputs());
    summary.put("wall_ms", result.wallMillis());
    return JSON.writeValueAsString(summary);
  }
}
