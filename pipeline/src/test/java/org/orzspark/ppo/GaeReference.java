package org.orzspark.ppo;

/**
 * GAE as a plain double loop over one row at a time, written straight from the definition: collect
 * each sample's response positions, then run the textbook backward recursion over them.
 */
final class GaeReference {
  private GaeReference() {}

  /** Returns {advantages, returns}, each {@code [B][T]}, 0 at masked positions. */
  static double[][][] compute(
      double[][] rewards,
      double[][] values,
      boolean[][] mask,
      long[][] segments,
      double gamma,
      double lambda) {
    int rows = values.length;
    int cols = values[0].length;
    double[][] adv = new double[rows][cols];
    double[][] ret = new double[rows][cols];
    for (int b = 0; b < rows; b++) {
      int start = 0;
      while (start < cols) {
        int end = start;
        while (end + 1 < cols && (segments == null || segments[b][end + 1] == segments[b][start])) {
          end++;
        }
        boolean[] rowMask = mask[b];
        int[] positions =
            java.util.stream.IntStream.rangeClosed(start, end).filter(t -> rowMask[t]).toArray();
        double next = 0;
        double nextValue = 0;
        for (int i = positions.length - 1; i >= 0; i--) {
          int t = positions[i];
          double delta = rewards[b][t] + gamma * nextValue - values[b][t];
          next = delta + gamma * lambda * next;
          adv[b][t] = next;
          ret[b][t] = next + values[b][t];
          nextValue = values[b][t];
        }
        start = end + 1;
      }
    }
    return new double[][][] {adv, ret};
  }
}
