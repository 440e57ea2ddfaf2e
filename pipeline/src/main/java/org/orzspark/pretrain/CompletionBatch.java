package org.orzspark.pretrain;

import java.util.List;
import org.orzspark.model.TokenBatch;

/**
 * A padded batch of (prompt, completion) token sequences and the mask of the tokens the language
 * modelling loss is taken on: the completion's tokens, each predicted from everything before it.
 *
 * @param tokens [B, T] one sequence per row (prompt then completion), right-padded
 * @param lossMask [B × T] row-major; 1 at completion tokens, 0 at prompt tokens and padding
 * @param lossTokens number of ones in {@code lossMask}
 * @param realTokens number of non-padding tokens (what the forward pass computes on)
 */
public record CompletionBatch(TokenBatch tokens, float[] lossMask, int lossTokens, int realTokens) {

  /** A tokenized training example: the completion is what the model learns to write. */
  public record Sequence(int[] prompt, int[] completion) {
    public int length() {
      return prompt.length + completion.length;
    }
  }

  /** Pads {@code sequences} into one batch; see {@link #lossMask(List, int)}. */
  public static CompletionBatch of(List<Sequence> sequences) {
    int[][] rows = new int[sequences.size()][];
    int realTokens = 0;
    for (int r = 0; r < rows.length; r++) {
      Sequence sequence = sequences.get(r);
      rows[r] = new int[sequence.length()];
      System.arraycopy(sequence.prompt(), 0, rows[r], 0, sequence.prompt().length);
      System.arraycopy(
          sequence.completion(),
          0,
          rows[r],
          sequence.prompt().length,
          sequence.completion().length);
      realTokens += rows[r].length;
    }
    TokenBatch batch = TokenBatch.padded(rows);
    float[] mask = lossMask(sequences, batch.length());
    int lossTokens = 0;
    for (float m : mask) {
      lossTokens += (int) m;
    }
    return new CompletionBatch(batch, mask, lossTokens, realTokens);
  }

  /**
   * Row r, column t is 1 when {@code prompt_r.length <= t < prompt_r.length + completion_r.length}:
   * the log-probability at t (of token t given tokens before it) belongs to the completion.
   *
   * @return [B × T] row-major, {@code T = length}
   */
  static float[] lossMask(List<Sequence> sequences, int length) {
    float[] mask = new float[sequences.size() * length];
    for (int r = 0; r < sequences.size(); r++) {
      Sequence sequence = sequences.get(r);
      for (int t = sequence.prompt().length; t < sequence.length(); t++) {
        mask[r * length + t] = 1f;
      }
    }
    return mask;
  }
}
