package org.orzspark.datasets.read;

import java.util.Arrays;
import org.orzspark.datasets.CommandLineIds;

/** The input formats {@code orz prepare} reads, by their command-line names. */
public enum InputFormat {
  /** Decide per file from its content: see {@link #detect}. */
  AUTO("auto"),
  /** JSON array of ORZ training records ({@link OrzTrainingFormat}). */
  ORZ("orz"),
  /** JSON array of ORZ evaluation records ({@link OrzEvalFormat}). */
  ORZ_EVAL("orz-eval"),
  /** JSON Lines of {@code {"problem","answer"}} ({@link ProblemAnswerFormat}). */
  JSONL("jsonl"),
  /** Parquet in the prompt schema (a file or a folder of part files). */
  PARQUET("parquet");

  private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};

  private final String id;

  InputFormat(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }

  /** Looks a format up by its name (case-insensitive); the error lists the valid names. */
  public static InputFormat byId(String id) {
    return CommandLineIds.byId(InputFormat.class, InputFormat::id, "input format", id);
  }

  /**
   * The format of a file from its first bytes: {@code PAR1} is Parquet; a JSON array whose first
   * element is an array is ORZ training data, one whose first element is an object is ORZ eval
   * data; text starting with an object is JSON Lines.
   *
   * @param head the file's first bytes (a few hundred are plenty)
   * @throws IllegalArgumentException when none of these matches
   */
  public static InputFormat detect(byte[] head, String fileName) {
    if (head.length >= PARQUET_MAGIC.length
        && Arrays.equals(Arrays.copyOf(head, PARQUET_MAGIC.length), PARQUET_MAGIC)) {
      return PARQUET;
    }
    String text = new String(head, java.nio.charset.StandardCharsets.UTF_8);
    int first = nextNonBlank(text, 0);
    if (first < text.length() && text.charAt(first) == '{') {
      return JSONL;
    }
    if (first < text.length() && text.charAt(first) == '[') {
      int second = nextNonBlank(text, first + 1);
      if (second < text.length() && text.charAt(second) == '[') {
        return ORZ;
      }
      if (second < text.length() && text.charAt(second) == '{') {
        return ORZ_EVAL;
      }
    }
    throw new IllegalArgumentException(
        "cannot detect the format of "
            + fileName
            + " from its start '"
            + text.substring(first, Math.min(text.length(), first + 20))
            + "'; give --format explicitly");
  }

  private static int nextNonBlank(String text, int from) {
    int i = from;
    while (i < text.length()
        && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '\uFEFF')) {
      i++;
    }
    return i;
  }
}
