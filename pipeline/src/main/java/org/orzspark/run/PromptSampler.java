package org.orzspark.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.orzspark.random.Seeds;

/**
 * Chooses the prompts of each iteration: the prompt set is visited in epochs, each epoch a seeded
 * permutation of all prompts (from the run seed and the epoch number), so no prompt repeats within
 * an epoch. The position in the permutation is the data cursor, saved with the checkpoint.
 */
public final class PromptSampler {
  private PromptSampler() {}

  /**
   * Where the next iteration starts reading: epoch and offset into that epoch's permutation. A
   * checkpoint saves it in its {@link CheckpointState}; a stage record notes it as {@link #text()}.
   */
  public record Cursor(int epoch, int offset) implements Serializable {
    public static final Cursor START = new Cursor(0, 0);

    /** {@code epoch:offset}. */
    public String text() {
      return epoch + ":" + offset;
    }

    /** The cursor of {@link #text()}. */
    public static Cursor parse(String text) {
      String[] parts = text.split(":");
      if (parts.length != 2) {
        throw new IllegalArgumentException("a data cursor is epoch:offset, not '" + text + "'");
      }
      return new Cursor(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
  }

  /** The indices (into the prompt set) of one iteration and the cursor after it. */
  public record Draw(List<Integer> indices, Cursor next) {}

  /**
   * Draws {@code count} prompt indices from a set of {@code size} prompts starting at {@code
   * cursor}. An epoch boundary inside a draw continues with the next epoch's permutation; a draw
   * larger than the whole set fails (a prompt would repeat within one iteration).
   */
  public static Draw draw(long seed, int size, Cursor cursor, int count) {
    if (size <= 0) {
      throw new IllegalArgumentException("the prompt set is empty");
    }
    if (count > size) {
      throw new IllegalArgumentException(
          "an iteration of "
              + count
              + " prompts needs at least that many prompts; the set has "
              + size);
    }
    List<Integer> indices = new ArrayList<>(count);
    int epoch = cursor.epoch();
    int offset = cursor.offset();
    int[] permutation = permutation(seed, epoch, size);
    while (indices.size() < count) {
      if (offset == size) {
        epoch++;
        offset = 0;
        permutation = permutation(seed, epoch, size);
      }
      indices.add(permutation[offset++]);
    }
    return new Draw(List.copyOf(indices), new Cursor(epoch, offset));
  }

  /** Fisher-Yates shuffle of 0..size-1 seeded by (run seed, epoch). */
  static int[] permutation(long seed, int epoch, int size) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(Seeds.mix(seed, "epoch", epoch));
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
