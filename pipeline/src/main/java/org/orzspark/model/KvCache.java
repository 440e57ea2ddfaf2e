package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for N sequences decoded together, preallocated to a fixed number
 * of columns and filled left to right: per layer the keys transposed, [N, kvHeads, headDim,
 * capacity] (so attention multiplies by a slice without copying it), and the values, [N, kvHeads,
 * capacity, headDim]. A key bias [N, 1, 1, 1, capacity] (0, or {@link Qwen2Decoder#MASKED} at left
 * padding) is added to the attention scores of every query. All arrays belong to the cache's own
 * manager.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final int capacity;
  private final NDArray[] keys;
  private final NDArray[] values;
  private NDArray keyBias;
  private int rows;
  private int length;

  private KvCache(
      NDManager manager,
      Qwen2Config config,
      DataType dtype,
      int rows,
      int capacity,
      float[] keyBias) {
    this.manager = manager;
    this.capacity = capacity;
    this.rows = rows;
    int layers = config.numHiddenLayers();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    Shape keyShape = new Shape(rows, config.numKeyValueHeads(), config.headDim(), capacity);
    Shape valueShape = new Shape(rows, config.numKeyValueHeads(), capacity, config.headDim());
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(keyShape, dtype);
      values[l] = manager.zeros(valueShape, dtype);
    }
    this.keyBias = manager.create(keyBias, new Shape(rows, 1, 1, 1, capacity));
  }

  /** {@link #allocate(NDManager, Qwen2Config, DataType, int, int, boolean[])} in float32. */
  public static KvCache allocate(
      NDManager parent, Qwen2Config config, int rows, int capacity, boolean[] keyValid) {
    return allocate(parent, config, DataType.FLOAT32, rows, capacity, keyValid);
  }

  /**
   * An empty cache for {@code rows} sequences of at most {@code capacity} tokens.
   *
   * @param keyValid [rows × capacity] row-major: false where a column is padding that no query may
   *     attend to (left padding of shorter prompts)
   * @param dtype of the keys and values: the model's compute dtype
   */
  public static KvCache allocate(
      NDManager parent,
      Qwen2Config config,
      DataType dtype,
      int rows,
      int capacity,
      boolean[] keyValid) {
    if (keyValid.length != rows * capacity) {
      throw new IllegalArgumentException("keyValid must hold rows*capacity values");
    }
    float[] bias = new float[keyValid.length];
    for (int i = 0; i < bias.length; i++) {
      bias[i] = keyValid[i] ? 0f : Qwen2Decoder.MASKED;
    }
    return new KvCache(parent.newSubManager(), config, dtype, rows, capacity, bias);
  }

  public int rows() {
    return rows;
  }

  /** Columns written so far (the next token goes to this column). */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  /**
   * Writes the keys and values of {@code t} new tokens of layer {@code layer} at columns [length,
   * length + t) and returns views of columns [0, length + t), attached to {@code step}.
   *
   * @param keysT [N, kvHeads, headDim, t]
   * @param v [N, kvHeads, t, headDim]
   * @return {keys [N, kvHeads, headDim, length + t], values [N, kvHeads, length + t, headDim]}
   */
  NDArray[] append(int layer, NDArray keysT, NDArray v, NDManager step) {
    long t = v.getShape().get(2);
    if (length + t > capacity) {
      throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
    }
    keys[layer].set(new NDIndex(":, :, :, {}:{}", length, length + t), keysT);
    values[layer].set(new NDIndex(":, :, {}:{}", length, length + t), v);
    return new NDArray[] {
      keys[layer].get(step, new NDIndex(":, :, :, :{}", length + t)),
      values[layer].get(step, new NDIndex(":, :, :{}", length + t))
    };
  }

  /** The key bias for queries over columns [0, length + t), attached to {@code step}. */
  public NDArray keyBias(long t, NDManager step) {
    return keyBias.get(step, new NDIndex(":, :, :, :, :{}", length + t));
  }

  /** Marks {@code t} more columns as written, after every layer has appended them. */
  void advance(long t) {
    length += (int) t;
  }

  /**
   * Keeps the rows {@code sourceRows} in that order (a row may repeat): copies a shared prompt's
   * cache into the rows of its samples, or drops finished sequences.
   */
  public void selectRows(int[] sourceRows) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray index = scratch.create(sourceRows).toType(DataType.INT64, false);
      for (int l = 0; l < keys.length; l++) {
        keys[l] = replace(keys[l], keys[l].get(index));
        values[l] = replace(values[l], values[l].get(index));
      }
      keyBias = replace(keyBias, keyBias.get(index));
    }
    rows = sourceRows.length;
  }

  private NDArray replace(NDArray old, NDArray selected) {
    selected.attach(manager);
    old.close();
    return selected;
  }

  @Override
  public void close() {
    manager.close();
  }
}
