package org.orzspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.orzspark.model.TokenBatch;

/**
 * Cuts host-side responses into micro-batches ({@link MicroBatch}: rows of sequences side by side)
 * and maps per-response-token values into and out of their {@code [B, T]} layout. Two plans: padded
 * (one sequence per row, rows of similar length together) and packed (several sequences per row,
 * {@link #packedRows}). The plan never changes a result: losses carry the whole batch's normaliser,
 * and a packed sequence attends to its own tokens only.
 */
public final class MicroBatches {
  private MicroBatches() {}

  /**
   * Splits {@code selection} (indices into {@code responses}) into micro-batches.
   *
   * @param tokenBudget padded: at most this many tokens per micro-batch (rows × longest row; at
   *     least one row); packed: at most this many computed tokens (rows × row capacity, see {@link
   *     #packedRows}; at least one row)
   * @param packing several sequences per row
   * @param sharesPrefix whether the forwards compute a prompt prefix common to all sequences once
   *     (then packing sizes rows by what each sequence adds after it)
   */
  public static List<MicroBatch> plan(
      List<ScoredResponse> responses,
      int[] selection,
      int tokenBudget,
      boolean packing,
      boolean sharesPrefix) {
    if (!packing) {
      return padded(responses, selection, tokenBudget).stream()
          .map(rows -> MicroBatch.of(responses, Arrays.stream(rows).mapToObj(i -> new int[] {i})))
          .toList();
    }
    List<int[]> sequences = new ArrayList<>();
    for (int index : selection) {
      sequences.add(responses.get(index).tokens());
    }
    int prefix = sharesPrefix ? TokenBatch.sharedPrefixLength(sequences) : 0;
    int[] costs = sequences.stream().mapToInt(s -> s.length - prefix).toArray();
    List<int[]> rows = packedRows(costs);
    int capacity = Arrays.stream(costs).max().orElse(1);
    int rowsPerBatch = Math.max(1, tokenBudget / capacity);
    List<MicroBatch> batches = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += rowsPerBatch) {
      batches.add(
          MicroBatch.of(
              responses,
              rows.subList(from, Math.min(rows.size(), from + rowsPerBatch)).stream()
                  .map(row -> Arrays.stream(row).map(k -> selection[k]).toArray())));
    }
    return batches;
  }

  /**
   * Padded micro-batches: rows ordered by length first, so rows of similar length share a batch and
   * little is padding; a batch holds at most {@code tokenBudget} padded tokens (rows × longest
   * row), at least one row.
   */
  static List<int[]> padded(List<ScoredResponse> responses, int[] selection, int tokenBudget) {
    Integer[] order = Arrays.stream(selection).boxed().toArray(Integer[]::new);
    Arrays.sort(
        order,
        Comparator.<Integer>comparingInt(i -> responses.get(i).tokens().length)
            .thenComparingInt(i -> i));
    List<int[]> batches = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int longest = 0;
    for (int index : order) {
      int length = responses.get(index).tokens().length;
      int widened = Math.max(longest, length);
      if (!current.isEmpty() && (long) widened * (current.size() + 1) > tokenBudget) {
        batches.add(current.stream().mapToInt(Integer::intValue).toArray());
        current.clear();
        widened = length;
      }
      current.add(index);
      longest = widened;
    }
    if (!current.isEmpty()) {
      batches.add(current.stream().mapToInt(Integer::intValue).toArray());
    }
    return batches;
  }

  /**
   * First-fit decreasing bin packing of sequences (by {@code costs[k]}, the tokens sequence k adds
   * to a row) into rows whose capacity is the largest cost: a row is never longer than the longest
   * sequence, so attention, computed densely over a row under a block-diagonal mask, costs per row
   * what the longest padded row costs, while short sequences fill the room padding would waste.
   *
   * @return rows of indices into {@code costs}, longest sequences first
   */
  static List<int[]> packedRows(int[] costs) {
    Integer[] order = new Integer[costs.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    Arrays.sort(order, Comparator.<Integer>comparingInt(k -> -costs[k]).thenComparingInt(k -> k));
    int capacity = Arrays.stream(costs).max().orElse(0);
    List<List<Integer>> rows = new ArrayList<>();
    List<Integer> free = new ArrayList<>();
    for (int k : order) {
      int row = 0;
      while (row < rows.size() && free.get(row) < costs[k]) {
        row++;
      }
      if (row == rows.size()) {
        rows.add(new ArrayList<>());
        free.add(capacity);
      }
      rows.get(row).add(k);
      free.set(row, free.get(row) - costs[k]);
    }
    return rows.stream().map(r -> r.stream().mapToInt(Integer::intValue).toArray()).toList();
  }

  /**
   * One micro-batch: {@code rows[r]} lists the responses of row r, left to right, each starting
   * where the one before it ends; rows padded to {@link #length()}.
   */
  public static final class MicroBatch {
    private final int[][] rows;
    private final int length;
    private final int[] responses;
    private final int[] rowOf;
    private final int[] starts;

    private MicroBatch(int[][] rows, int length, int[] responses, int[] rowOf, int[] starts) {
      this.rows = rows;
      this.length = length;
      this.responses = responses;
      this.rowOf = rowOf;
      this.starts = starts;
    }

    static MicroBatch of(List<ScoredResponse> all, Stream<int[]> rows) {
      int[][] layout = rows.toArray(int[][]::new);
      int count = Arrays.stream(layout).mapToInt(r -> r.length).sum();
      int[] responses = new int[count];
      int[] rowOf = new int[count];
      int[] starts = new int[count];
      int length = 0;
      int k = 0;
      for (int r = 0; r < layout.length; r++) {
        int column = 0;
        for (int index : layout[r]) {
          responses[k] = index;
          rowOf[k] = r;
          starts[k++] = column;
          column += all.get(index).tokens().length;
        }
        length = Math.max(length, column);
      }
      return new MicroBatch(layout, length, responses, rowOf, starts);
    }

    /** The responses' indices, in layout order (row by row, left to right). */
    public int[] responses() {
      return responses.clone();
    }

    /** T: the longest row. */
    public int length() {
      return length;
    }

    /** The token batch: one segment per response. */
    public TokenBatch tokens(List<ScoredResponse> all) {
      int[][][] sequences = new int[rows.length][][];
      for (int r = 0; r < rows.length; r++) {
        sequences[r] =
            Arrays.stream(rows[r]).mapToObj(i -> all.get(i).tokens()).toArray(int[][]::new);
      }
      return TokenBatch.packed(sequences, length);
    }

    /** {@code [B, T]} fp32: 1 on response tokens, 0 elsewhere. */
    public NDArray responseMask(NDManager manager, List<ScoredResponse> all) {
      return perResponseToken(manager, all, index -> ones(all.get(index).responseLength()));
    }

    /**
     * {@code [B, T]} fp32 with {@code valuesOf(index)} (one value per response token of {@code
     * all.get(index)}) placed on that response's columns, 0 elsewhere.
     */
    public NDArray perResponseToken(
        NDManager manager, List<ScoredResponse> all, IntFunction<float[]> valuesOf) {
      float[] out = new float[rows.length * length];
      for (int k = 0; k < responses.length; k++) {
        float[] perToken = valuesOf.apply(responses[k]);
        System.arraycopy(perToken, 0, out, firstResponseColumn(k, all), perToken.length);
      }
      return manager.create(out, new Shape(rows.length, length));
    }

    /**
     * The response columns of the {@code k}-th response ({@link #responses()}) in a host copy of a
     * {@code [B, T]} array.
     */
    public float[] responsePart(float[] hostBatch, int k, List<ScoredResponse> all) {
      int from = firstResponseColumn(k, all);
      return Arrays.copyOfRange(hostBatch, from, from + all.get(responses[k]).responseLength());
    }

    /** The flat [B × T] index of the k-th response's first response token. */
    private int firstResponseColumn(int k, List<ScoredResponse> all) {
      return rowOf[k] * length + starts[k] + all.get(responses[k]).promptLength();
    }
  }

  /**
   * The critic's value of the action at t is its value of the state before it, i.e. its output at t
   * − 1 (the same shift as log-probabilities: the hidden state at t − 1 predicts token t). Within a
   * packed row the shift crosses into the sequence before only at a sequence's first token, a
   * prompt token, which no loss reads.
   */
  public static NDArray actionValues(NDArray stateValues) {
    long rows = stateValues.getShape().get(0);
    NDArray first = stateValues.getManager().zeros(new Shape(rows, 1));
    return NDArrays.concat(new NDList(first, stateValues.get(":, :-1")), 1);
  }

  private static float[] ones(int n) {
    float[] out = new float[n];
    Arrays.fill(out, 1f);
    return out;
  }
}
