package org.orzspark.model;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Token ids of a training batch, shape [B, T], row-major, with a segment id per token:
 *
 * <ul>
 *   <li>segment 0 marks padding; segments 1, 2, ... are the sequences of a row, each a contiguous
 *       run;
 *   <li>positions restart at 0 at the first token of every segment (rotary positions, and the first
 *       token of a segment has no log-probability);
 *   <li>a token attends to the earlier tokens of its own segment only (block-diagonal causal mask).
 * </ul>
 *
 * Padding ({@link #padded}) is the case of one segment per row; packing ({@link #packed}) puts
 * several sequences into one row. Both give every sequence the same log-probabilities and values.
 *
 * <p>When every row's first sequence starts with the same {@link #sharedPrefixLength()} tokens (the
 * ORZ template before the question, or a prompt with its samples), the model computes that prefix
 * once for the batch and lets each row attend to it; the results are those of the full batch.
 */
public final class TokenBatch {
  private final int rows;
  private final int length;
  private final int[] tokens;
  private final int[] segments;
  private final int[] positions;
  private final int sharedPrefixLength;

  /** Shorter common prefixes are not worth a forward of their own. */
  static final int MIN_SHARED_PREFIX = 16;

  private TokenBatch(int rows, int length, int[] tokens, int[] segments, boolean sharePrefix) {
    this.rows = rows;
    this.length = length;
    this.tokens = tokens;
    this.segments = segments;
    this.positions = positionsOf(rows, length, segments);
    this.sharedPrefixLength = sharePrefix ? commonPrefixLength(rows, length, tokens, segments) : 0;
  }

  /**
   * A batch from explicit arrays, both [rows × length] row-major.
   *
   * @param tokens token ids (any value at padding, conventionally 0)
   * @param segments per token: 0 for padding, otherwise a segment id; a segment must be one
   *     contiguous run within its row
   */
  public static TokenBatch of(int rows, int length, int[] tokens, int[] segments) {
    if (rows <= 0 || length <= 0) {
      throw new IllegalArgumentException("empty batch: " + rows + " x " + length);
    }
    if (tokens.length != rows * length || segments.length != rows * length) {
      throw new IllegalArgumentException(
          "tokens and segments must both hold rows*length = " + rows * length + " values");
    }
    for (int r = 0; r < rows; r++) {
      Set<Integer> started = new HashSet<>();
      for (int t = 0; t < length; t++) {
        int segment = segments[r * length + t];
        if (segment < 0) {
          throw new IllegalArgumentException("negative segment id at row " + r + ", column " + t);
        }
        boolean continues = t > 0 && segments[r * length + t - 1] == segment;
        if (segment > 0 && !continues && !started.add(segment)) {
          throw new IllegalArgumentException(
              "segment " + segment + " of row " + r + " is not contiguous (column " + t + ")");
        }
      }
    }
    return new TokenBatch(rows, length, tokens.clone(), segments.clone(), true);
  }

  /** The same batch computed without a shared prefix (the reference for the shared path). */
  public TokenBatch withoutSharedPrefix() {
    return new TokenBatch(rows, length, tokens, segments, false);
  }

  /**
   * P: the columns [0, P) hold the same tokens in the first sequence of every row, and every row's
   * first sequence goes on past them (so each keeps a token of its own); 0 below {@link
   * #MIN_SHARED_PREFIX} or for a single row.
   */
  static int commonPrefixLength(int rows, int length, int[] tokens, int[] segments) {
    if (rows < 2) {
      return 0;
    }
    int prefix = length - 1;
    for (int r = 0; r < rows && prefix >= MIN_SHARED_PREFIX; r++) {
      int t = 0;
      while (t < prefix
          && segments[r * length + t + 1] == 1
          && segments[r * length + t] == 1
          && tokens[r * length + t] == tokens[t]) {
        t++;
      }
      prefix = t;
    }
    return prefix >= MIN_SHARED_PREFIX ? prefix : 0;
  }

  /** See {@link #commonPrefixLength}; 0 when the batch has none worth sharing. */
  public int sharedPrefixLength() {
    return sharedPrefixLength;
  }

  /** One sequence per row, right-padded with token 0 to the longest sequence. */
  public static TokenBatch padded(int[][] sequences) {
    int length = Arrays.stream(sequences).mapToInt(s -> s.length).max().orElse(0);
    return packed(
        Arrays.stream(sequences).map(s -> new int[][] {s}).toArray(int[][][]::new), length);
  }

  /**
   * Several sequences per row: {@code rows[r]} lists the sequences of row r, laid out left to right
   * and padded to {@code length}.
   */
  public static TokenBatch packed(int[][][] rowSequences, int length) {
    int rows = rowSequences.length;
    int[] tokens = new int[rows * length];
    int[] segments = new int[rows * length];
    for (int r = 0; r < rows; r++) {
      int column = 0;
      for (int s = 0; s < rowSequences[r].length; s++) {
        int[] sequence = rowSequences[r][s];
        if (sequence.length == 0) {
          throw new IllegalArgumentException("empty sequence in row " + r);
        }
        if (column + sequence.length > length) {
          throw new IllegalArgumentException("row " + r + " holds more than " + length + " tokens");
        }
        System.arraycopy(sequence, 0, tokens, r * length + column, sequence.length);
        Arrays.fill(segments, r * length + column, r * length + column + sequence.length, s + 1);
        column += sequence.length;
      }
    }
    return of(rows, length, tokens, segments);
  }

  /**
   * Position of every token within its segment: 0 at a segment's first token, counting up; 0 at
   * padding. Shape [rows × length].
   */
  static int[] positionsOf(int rows, int length, int[] segments) {
    int[] positions = new int[rows * length];
    for (int r = 0; r < rows; r++) {
      for (int t = 1; t < length; t++) {
        int i = r * length + t;
        if (segments[i] != 0 && segments[i] == segments[i - 1]) {
          positions[i] = positions[i - 1] + 1;
        }
      }
    }
    return positions;
  }

  /** B. */
  public int rows() {
    return rows;
  }

  /** T. */
  public int length() {
    return length;
  }

  /** Token ids [B × T], row-major (a copy). */
  public int[] tokens() {
    return tokens.clone();
  }

  /** Segment ids [B × T], row-major, 0 at padding (a copy). */
  public int[] segments() {
    return segments.clone();
  }

  /** Positions within segments [B × T], row-major (a copy). */
  public int[] positions() {
    return positions.clone();
  }

  /**
   * 1 where a token has a log-probability (non-padding, not the first token of its segment), else
   * 0; shape [B × T].
   */
  public float[] predictedMask() {
    float[] mask = new float[tokens.length];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = segments[i] != 0 && positions[i] > 0 ? 1f : 0f;
    }
    return mask;
  }

  /** 1 at non-padding tokens, else 0; shape [B × T]. */
  public float[] tokenMask() {
    float[] mask = new float[tokens.length];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = segments[i] != 0 ? 1f : 0f;
    }
    return mask;
  }

  int tokenAt(int row, int column) {
    return tokens[row * length + column];
  }
}
