package org.orzspark.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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
 * <p>When every sequence of the batch starts with the same {@link #sharedPrefixLength()} tokens
 * (the ORZ template before the question, or a prompt with its samples), the model computes that
 * prefix once for the batch and lets every sequence attend to it ({@link #rest()}); the results are
 * those of the full batch.
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
   * P: every segment's first P tokens are the same, and every segment goes on past them (so each
   * keeps a token of its own); 0 below {@link #MIN_SHARED_PREFIX} or for a single segment.
   */
  static int commonPrefixLength(int rows, int length, int[] tokens, int[] segments) {
    List<int[]> sequences = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      int start = r * length;
      for (int t = r * length; t < (r + 1) * length; t++) {
        boolean ends = t == (r + 1) * length - 1 || segments[t + 1] != segments[t];
        if (ends) {
          if (segments[t] != 0) {
            sequences.add(Arrays.copyOfRange(tokens, start, t + 1));
          }
          start = t + 1;
        }
      }
    }
    return sharedPrefixLength(sequences);
  }

  /**
   * The prefix length P the model would share among {@code sequences} in one batch: the longest P
   * with the same first P tokens in every sequence and every sequence longer than P; 0 below {@link
   * #MIN_SHARED_PREFIX} or for fewer than two sequences.
   */
  public static int sharedPrefixLength(List<int[]> sequences) {
    if (sequences.size() < 2) {
      return 0;
    }
    int[] first = sequences.get(0);
    int prefix = first.length - 1;
    for (int s = 1; s < sequences.size() && prefix >= MIN_SHARED_PREFIX; s++) {
      int[] sequence = sequences.get(s);
      int limit = Math.min(prefix, sequence.length - 1);
      int t = 0;
      while (t < limit && sequence[t] == first[t]) {
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

  /**
   * The batch with the shared prefix (P = {@link #sharedPrefixLength()} &gt; 0) cut from every
   * sequence: row r holds the rest of each of its sequences, left to right, in R columns (the
   * longest row's rest), padded with segment 0.
   *
   * @param length R
   * @param tokens [B × R] token ids
   * @param segments [B × R] segment ids, as in this batch
   * @param positions [B × R] positions within the full sequences (P at each rest's first token)
   * @param gatherIndex [B × T]: where each token of this batch finds its value in the flat vector
   *     {@code [0, prefix values (P), rest values (B × R)]}: 0 at padding, 1 + position inside the
   *     prefix, 1 + P + the rest's flat index after it
   */
  record Rest(int length, int[] tokens, int[] segments, int[] positions, int[] gatherIndex) {}

  /** The layout of the batch without its shared prefix; see {@link Rest}. */
  Rest rest() {
    int p = sharedPrefixLength;
    if (p == 0) {
      throw new IllegalStateException("the batch has no shared prefix");
    }
    int restLength = 1;
    for (int r = 0; r < rows; r++) {
      int kept = 0;
      for (int t = r * length; t < (r + 1) * length; t++) {
        kept += segments[t] != 0 && positions[t] >= p ? 1 : 0;
      }
      restLength = Math.max(restLength, kept);
    }
    int[] restTokens = new int[rows * restLength];
    int[] restSegments = new int[rows * restLength];
    int[] restPositions = new int[rows * restLength];
    int[] gatherIndex = new int[rows * length];
    for (int r = 0; r < rows; r++) {
      int column = r * restLength;
      for (int t = r * length; t < (r + 1) * length; t++) {
        if (segments[t] == 0) {
          continue;
        }
        if (positions[t] < p) {
          gatherIndex[t] = 1 + positions[t];
        } else {
          restTokens[column] = tokens[t];
          restSegments[column] = segments[t];
          restPositions[column] = positions[t];
          gatherIndex[t] = 1 + p + column;
          column++;
        }
      }
    }
    return new Rest(restLength, restTokens, restSegments, restPositions, gatherIndex);
  }

  int tokenAt(int row, int column) {
    return tokens[row * length + column];
  }
}
