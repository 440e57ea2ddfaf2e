package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.BitSet;

/**
 * Keys and values of every layer in a pool of fixed-size blocks of {@link #blockTokens()} token
 * slots (slot = block · blockTokens + offset), per layer one row per (slot, KV head), [slots ·
 * kvHeads, headDim], for keys and for values: a gather by (row, head, column) then yields [R,
 * kvHeads, W, headDim], the layout attention multiplies without a copy. A sequence's columns are a
 * list of slots anywhere in the pool: a prompt's blocks are written once and read by all its
 * samples, each sample's response goes to blocks of its own.
 *
 * <p>Blocks are handed out lowest-numbered first ({@link #take}) and returned when their sequence
 * finishes ({@link #release}), so the blocks in use follow the tokens in flight. The pool's arrays
 * grow on demand (doubling, copied once) up to the budget of {@link #blockCount()} blocks, so the
 * memory held follows the peak of tokens in flight, not the budget. All arrays belong to the
 * cache's own manager.
 */
public final class KvCache implements AutoCloseable {
  /** Tokens per block: small enough that a finished short response wastes little. */
  public static final int BLOCK_TOKENS = 16;

  private final NDManager manager;
  private final int kvHeads;
  private final int headDim;
  private final DataType dataType;
  private final int blockTokens;
  private final int blockCount;
  private final long bytesPerToken;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final BitSet used = new BitSet();
  private int allocatedBlocks;
  private int peakBlocks;

  private KvCache(
      NDManager manager, Qwen2Config config, DataType dataType, int blockTokens, int blockCount) {
    this.manager = manager;
    this.kvHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
    this.dataType = dataType;
    this.blockTokens = blockTokens;
    this.blockCount = blockCount;
    this.bytesPerToken = bytesPerToken(config, dataType);
    this.keys = new NDArray[config.numHiddenLayers()];
    this.values = new NDArray[config.numHiddenLayers()];
  }

  /**
   * An empty cache of at most {@code budgetBytes} of keys and values, nothing allocated yet.
   *
   * @throws IllegalArgumentException when the budget holds no block
   */
  public static KvCache create(
      NDManager parent, Qwen2Config config, DataType dataType, int blockTokens, long budgetBytes) {
    long blockBytes = blockTokens * bytesPerToken(config, dataType);
    long blocks = budgetBytes / blockBytes;
    if (blocks < 1) {
      throw new IllegalArgumentException(
          String.format(
              "a KV cache budget of %,d bytes holds no block of %d tokens (%,d bytes)",
              budgetBytes, blockTokens, blockBytes));
    }
    return new KvCache(
        parent.newSubManager(),
        config,
        dataType,
        blockTokens,
        (int) Math.min(Integer.MAX_VALUE / blockTokens, blocks));
  }

  /**
   * Bytes of keys and values per token, all layers: 2 · layers · kvHeads · headDim · dtype size.
   */
  public static long bytesPerToken(Qwen2Config config, DataType dataType) {
    return 2L
        * config.numHiddenLayers()
        * config.numKeyValueHeads()
        * config.headDim()
        * dataType.getNumOfBytes();
  }

  /** Blocks that {@code tokens} tokens occupy: ⌈tokens / blockTokens⌉. */
  public static int blocksFor(int tokens, int blockTokens) {
    return (tokens + blockTokens - 1) / blockTokens;
  }

  /**
   * The slots of the first {@code tokens} columns of a sequence stored in {@code blocks}, in order.
   */
  public static int[] slots(int[] blocks, int tokens, int blockTokens) {
    if (tokens > blocks.length * blockTokens) {
      throw new IllegalArgumentException(
          tokens + " tokens do not fit " + blocks.length + " blocks");
    }
    int[] slots = new int[tokens];
    for (int i = 0; i < tokens; i++) {
      slots[i] = blocks[i / blockTokens] * blockTokens + i % blockTokens;
    }
    return slots;
  }

  public int blockTokens() {
    return blockTokens;
  }

  /** The budget in blocks. */
  public int blockCount() {
    return blockCount;
  }

  public long bytesPerToken() {
    return bytesPerToken;
  }

  public int freeBlocks() {
    return blockCount - used.cardinality();
  }

  public int blocksInUse() {
    return used.cardinality();
  }

  /** The most blocks in use at once since the cache was made. */
  public int peakBlocksInUse() {
    return peakBlocks;
  }

  /** Bytes of the pool's arrays now allocated (they only grow). */
  public long allocatedBytes() {
    return (long) allocatedBlocks * blockTokens * bytesPerToken;
  }

  /**
   * Takes {@code count} free blocks, lowest-numbered first, growing the pool's arrays to hold them.
   *
   * @throws IllegalStateException when fewer are free (callers check {@link #freeBlocks()})
   */
  public int[] take(int count) {
    if (count > freeBlocks()) {
      throw new IllegalStateException(
          "KV cache full: " + count + " blocks wanted, " + freeBlocks() + " free");
    }
    int[] blocks = new int[count];
    int next = 0;
    for (int i = 0; i < count; i++) {
      next = used.nextClearBit(next);
      used.set(next);
      blocks[i] = next;
    }
    peakBlocks = Math.max(peakBlocks, used.cardinality());
    if (count > 0) {
      grow(blocks[count - 1] + 1);
    }
    return blocks;
  }

  /** Returns blocks to the free list. */
  public void release(int[] blocks) {
    for (int block : blocks) {
      if (!used.get(block)) {
        throw new IllegalStateException("block " + block + " is not in use");
      }
      used.clear(block);
    }
  }

  /** Makes the pool's arrays hold at least {@code blocks} blocks (doubling, within the budget). */
  private void grow(int blocks) {
    if (blocks <= allocatedBlocks) {
      return;
    }
    int target = Math.min(blockCount, Math.max(blocks, 2 * allocatedBlocks));
    Shape added = new Shape((long) (target - allocatedBlocks) * blockTokens * kvHeads, headDim);
    for (int l = 0; l < keys.length; l++) {
      keys[l] = extend(keys[l], added);
      values[l] = extend(values[l], added);
    }
    allocatedBlocks = target;
  }

  private NDArray extend(NDArray pool, Shape added) {
    NDArray zeros = manager.zeros(added, dataType);
    if (pool == null) {
      return zeros;
    }
    NDArray extended = pool.concat(zeros, 0);
    pool.close();
    zeros.close();
    return extended;
  }

  /**
   * The pool rows of the KV heads of {@code slots}: slot · kvHeads + head.
   *
   * @param slots [...] int64
   * @return [..., kvHeads] int64, attached to {@code slots}' manager
   */
  NDArray headRows(NDArray slots) {
    NDArray heads = slots.getManager().arange(0, kvHeads, 1, DataType.INT64);
    return slots.mul(kvHeads).expandDims(-1).add(heads);
  }

  /**
   * Writes keys and values of N tokens of layer {@code layer} into their pool rows.
   *
   * @param rows [N · kvHeads] int64, {@link #headRows} of the tokens' slots
   * @param k [N, kvHeads, headDim]
   * @param v [N, kvHeads, headDim]
   */
  void write(int layer, NDArray rows, NDArray k, NDArray v) {
    NDIndex at = new NDIndex("{}", rows);
    keys[layer].set(at, k.reshape(-1, headDim).toType(dataType, false));
    values[layer].set(at, v.reshape(-1, headDim).toType(dataType, false));
  }

  /**
   * Keys and values of layer {@code layer} at pool rows {@code rows}, attached to {@code m}.
   *
   * @param rows [R, kvHeads, W] int64, {@link #headRows} of the columns' slots, heads second
   * @return {keys [R, kvHeads, W, headDim], values [R, kvHeads, W, headDim]}
   */
  NDArray[] read(int layer, NDArray rows, NDManager m) {
    NDIndex at = new NDIndex("{}", rows);
    return new NDArray[] {keys[layer].get(m, at), values[layer].get(m, at)};
  }

  @Override
  public void close() {
    manager.close();
  }
}
