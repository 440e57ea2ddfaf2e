package org.orzspark.ppo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Index plans for the update schedules: seeded shuffles into mini-batches, micro-batch splits. */
public final class MiniBatches {
  /** ORZ: the critic takes 12 optimizer steps per iteration. */
  public static final int CRITIC_MINI_BATCHES_DEFAULT = 12;

  private MiniBatches() {}

  /**
   * Rows {@code 0..rows-1} shuffled by {@code seed} (Fisher-Yates on {@link Random}) and cut into
   * {@code count} mini-batches whose sizes differ by at most one (the first {@code rows % count}
   * get the extra row). Every replica computing this with the same arguments gets the same plan.
   */
  public static List<int[]> shuffled(int rows, int count, long seed) {
    if (count < 1 || rows < count) {
      throw new IllegalArgumentException(
          "Cannot cut " + rows + " rows into " + count + " non-empty mini-batches");
    }
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    List<int[]> out = new ArrayList<>(count);
    int start = 0;
    for (int k = 0; k < count; k++) {
      int size = rows / count + (k < rows % count ? 1 : 0);
      out.add(Arrays.copyOfRange(order, start, start + size));
      start += size;
    }
    return out;
  }

  /**
   * The rows of {@code miniBatch} that a replica owning rows {@code [from, to)} holds, in
   * mini-batch order (possibly none: that replica then contributes zero gradients to the step).
   */
  public static int[] owned(int[] miniBatch, int from, int to) {
    return Arrays.stream(miniBatch).filter(r -> r >= from && r < to).toArray();
  }

  /** {@code rows} cut in order into micro-batches of at most {@code size} rows. */
  public static List<int[]> split(int[] rows, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("Invalid micro-batch size: " + size + " (>= 1)");
    }
    List<int[]> out = new ArrayList<>();
    for (int start = 0; start < rows.length; start += size) {
      out.add(Arrays.copyOfRange(rows, start, Math.min(rows.length, start + size)));
    }
    return out;
  }

  /** Rows {@code from..to-1}. */
  public static int[] range(int from, int to) {
    int[] rows = new int[Math.max(0, to - from)];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    return rows;
  }
}
