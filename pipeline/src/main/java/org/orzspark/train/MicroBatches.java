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
import org.orzspark.model.TokenBatch;

/**
 * Turns host-side responses into padded {@code [B, T]} micro-batches and back. Right padding:
 * sequence b's token t sits in column t, so its response tokens are columns {@code [promptLength,
 * length)}.
 */
public final class MicroBatches {
  private MicroBatches() {}

  /**
   * Splits {@code selection} (indices into {@code responses}) into micro-batches of at most {@code
   * tokenBudget} padded tokens each (rows × longest row; at least one row). Rows are ordered by
   * length first, so rows of similar length share a batch and little is padding; the order does not
   * change any result (losses carry the whole batch's normaliser).
   */
  public static List<int[]> plan(List<ScoredResponse> responses, int[] selection, int tokenBudget) {
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

  /** The padded token batch of the selected responses. */
  public static TokenBatch tokens(List<ScoredResponse> responses, int[] rows) {
    int[][] sequences = new int[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      sequences[i] = responses.get(rows[i]).tokens();
    }
    return TokenBatch.padded(sequences);
  }

  /** {@code [B, T]} fp32: 1 on response tokens, 0 elsewhere. */
  public static NDArray responseMask(
      NDManager manager, List<ScoredResponse> responses, int[] rows, int length) {
    return perResponseToken(
        manager, responses, rows, length, row -> ones(responses.get(row).responseLength()));
  }

  /**
   * {@code [B, T]} fp32 with {@code valuesOfRow(row)} (one value per response token of {@code
   * responses.get(row)}) placed on the response columns, 0 elsewhere.
   */
  public static NDArray perResponseToken(
      NDManager manager,
      List<ScoredResponse> responses,
      int[] rows,
      int length,
      IntFunction<float[]> valuesOfRow) {
    float[] out = new float[rows.length * length];
    for (int i = 0; i < rows.length; i++) {
      ScoredResponse response = responses.get(rows[i]);
      float[] perToken = valuesOfRow.apply(rows[i]);
      System.arraycopy(perToken, 0, out, i * length + response.promptLength(), perToken.length);
    }
    return manager.create(out, new Shape(rows.length, length));
  }

  /** Reads the response columns of row {@code i} of a host copy of a {@code [B, T]} array. */
  public static float[] responsePart(
      float[] hostBatch, int length, int i, ScoredResponse response) {
    int from = i * length + response.promptLength();
    return Arrays.copyOfRange(hostBatch, from, from + response.responseLength());
  }

  /**
   * The critic's value of the action at t is its value of the state before it, i.e. its output at t
   * − 1 (the same shift as log-probabilities: the hidden state at t − 1 predicts token t).
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
