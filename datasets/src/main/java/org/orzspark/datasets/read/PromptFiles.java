package org.orzspark.datasets.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.orzspark.datasets.PromptId;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;

/**
 * Reads prompt input files from any Hadoop file system (local, HDFS, S3A). JSON files are read
 * whole on the driver and parsed record by record ({@link JsonPromptReader}); bytes that are not
 * UTF-8 become U+FFFD, which validation then quarantines, as it does an unpaired surrogate from a
 * JSON escape ({@link TextDefects}). Parquet goes through Spark and is collected to the driver,
 * since prompt sets are small (tens of thousands of rows).
 */
public final class PromptFiles {

  private static final int DETECT_BYTES = 512;
  private static final String BYTE_ORDER_MARK = "\uFEFF";

  private PromptFiles() {}

  /**
   * @param path a file, or a folder of Parquet part files
   * @param format the format, or {@link InputFormat#AUTO} to detect it
   */
  public static ReadResult read(SparkSession spark, String path, InputFormat format)
      throws IOException {
    Path hadoopPath = new Path(path);
    FileSystem fs = hadoopPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
    FileStatus status = fs.getFileStatus(hadoopPath);
    InputFormat resolved = format;
    if (format == InputFormat.AUTO) {
      resolved =
          status.isDirectory()
              ? InputFormat.PARQUET
              : InputFormat.detect(head(fs, hadoopPath), path);
    }
    if (resolved == InputFormat.PARQUET) {
      return readParquet(spark, path);
    }
    if (status.isDirectory()) {
      throw new IllegalArgumentException(path + " is a folder; only Parquet inputs may be folders");
    }
    String text;
    try (InputStream in = fs.open(hadoopPath)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (text.startsWith(BYTE_ORDER_MARK)) {
      // A marker of the encoding that editors on Windows write, not part of the first record.
      text = text.substring(1);
    }
    return JsonPromptReader.read(resolved, path, sourceName(hadoopPath.getName()), text);
  }

  /** The {@code source} of a file's prompts: its name without the extension ({@code math500}). */
  public static String sourceName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  private static byte[] head(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return in.readNBytes(DETECT_BYTES);
    }
  }

  /**
   * Parquet with at least {@code question} and {@code answer} string columns; the other prompt
   * columns are optional ({@code prompt_id} computed, {@code source} from the file name, the rest
   * null or empty). Row positions are 0-based in the order Spark returns them.
   */
  static ReadResult readParquet(SparkSession spark, String path) {
    Dataset<Row> frame = spark.read().parquet(path);
    Map<String, DataType> columns = new HashMap<>();
    for (StructField field : frame.schema().fields()) {
      columns.put(field.name(), field.dataType());
    }
    for (String required : List.of(PromptSchema.QUESTION, PromptSchema.ANSWER)) {
      if (!DataTypes.StringType.equals(columns.get(required))) {
        throw new IllegalArgumentException(
            path
                + ": Parquet input needs a string column '"
                + required
                + "'; schema is "
                + frame.schema().simpleString());
      }
    }
    for (StructField expected : PromptSchema.SCHEMA.fields()) {
      DataType actual = columns.get(expected.name());
      if (actual != null && !actual.sameType(expected.dataType())) {
        throw new IllegalArgumentException(
            path
                + ": column '"
                + expected.name()
                + "' is "
                + actual.simpleString()
                + ", expected "
                + expected.dataType().simpleString());
      }
    }
    String defaultSource = sourceName(new Path(path).getName());
    List<ParsedPrompt> parsed = new ArrayList<>();
    List<QuarantineEntry> quarantined = new ArrayList<>();
    List<Row> rows = frame.collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      String original = row.json();
      String question = row.getAs(PromptSchema.QUESTION);
      String answer = row.getAs(PromptSchema.ANSWER);
      if (question == null || answer == null) {
        String missing = question == null ? PromptSchema.QUESTION : PromptSchema.ANSWER;
        quarantined.add(
            new QuarantineEntry(
                QuarantineReason.MISSING_FIELD, missing + " is null", path, i, original));
        continue;
      }
      String id =
          present(row, columns, PromptSchema.PROMPT_ID) ? row.getAs(PromptSchema.PROMPT_ID) : null;
      String source =
          present(row, columns, PromptSchema.SOURCE) ? row.getAs(PromptSchema.SOURCE) : null;
      List<String> choices =
          present(row, columns, PromptSchema.CHOICES)
              ? row.getList(row.fieldIndex(PromptSchema.CHOICES))
              : null;
      Double passRate =
          present(row, columns, PromptSchema.PASS_RATE) ? row.getAs(PromptSchema.PASS_RATE) : null;
      Map<String, String> metadata =
          present(row, columns, PromptSchema.METADATA)
              ? row.getJavaMap(row.fieldIndex(PromptSchema.METADATA))
              : Map.of();
      PromptRecord record =
          new PromptRecord(
              id != null ? id : PromptId.of(question),
              question,
              answer,
              source != null ? source : defaultSource,
              choices,
              passRate,
              metadata);
      parsed.add(new ParsedPrompt(record, path, i, original));
    }
    return new ReadResult(parsed, quarantined);
  }

  /** Whether the row has the column and a non-null value in it. */
  private static boolean present(Row row, Map<String, DataType> columns, String column) {
    return columns.containsKey(column) && !row.isNullAt(row.fieldIndex(column));
  }
}
