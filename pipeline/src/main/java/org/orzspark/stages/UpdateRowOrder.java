package org.orzspark.stages;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The canonical order of an iteration's experience rows for the update: by prompt id, then sample
 * index, prompt ids compared as Spark orders strings (their UTF-8 bytes, unsigned), so the order is
 * the one a Spark {@code orderBy} of the two columns gives. It is built on the driver from the
 * rows' keys alone and travels to the tasks, which place each row by {@link #indexOf} without a
 * distributed sort.
 */
final class UpdateRowOrder implements Serializable {
  private static final Comparator<Key> CANONICAL =
      Comparator.<Key, byte[]>comparing(Key::promptIdBytes, Arrays::compareUnsigned)
          .thenComparingInt(Key::sampleIndex);

  private final byte[][] promptIds;
  private final int[] sampleIndices;
  private final int[] responseLengths;

  /** One experience row's identity and its response length. */
  record Key(String promptId, int sampleIndex, int responseLength) {
    byte[] promptIdBytes() {
      return promptId.getBytes(StandardCharsets.UTF_8);
    }
  }

  private UpdateRowOrder(List<Key> sorted) {
    int n = sorted.size();
    promptIds = new byte[n][];
    sampleIndices = new int[n];
    responseLengths = new int[n];
    for (int i = 0; i < n; i++) {
      Key key = sorted.get(i);
      promptIds[i] = key.promptIdBytes();
      sampleIndices[i] = key.sampleIndex();
      responseLengths[i] = key.responseLength();
    }
  }

  /**
   * The order of {@code keys}, in any order.
   *
   * @throws IllegalArgumentException when two rows have the same prompt id and sample index
   */
  static UpdateRowOrder of(List<Key> keys) {
    List<Key> sorted = keys.stream().sorted(CANONICAL).toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (CANONICAL.compare(sorted.get(i - 1), sorted.get(i)) == 0) {
        throw new IllegalArgumentException(
            "experience has two rows of prompt "
                + sorted.get(i).promptId()
                + " sample "
                + sorted.get(i).sampleIndex());
      }
    }
    return new UpdateRowOrder(sorted);
  }

  /** How many rows. */
  int size() {
    return sampleIndices.length;
  }

  /** Every row's response length, in canonical order. */
  int[] responseLengths() {
    return responseLengths.clone();
  }

  /**
   * The canonical position of the row of {@code promptId} and {@code sampleIndex}.
   *
   * @throws IllegalArgumentException when no row has that identity
   */
  int indexOf(String promptId, int sampleIndex) {
    byte[] id = promptId.getBytes(StandardCharsets.UTF_8);
    int low = 0;
    int high = size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = Arrays.compareUnsigned(promptIds[mid], id);
      if (c == 0) {
        c = Integer.compare(sampleIndices[mid], sampleIndex);
      }
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    throw new IllegalArgumentException(
        "no experience row of prompt " + promptId + " sample " + sampleIndex);
  }
}
