package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * The additive attention bias (0 where a query may read a key, {@link Qwen2Decoder#MASKED}
 * elsewhere) of a range of query rows, made when a query block needs it: a bias for a whole long
 * sequence would be a [B, T, S] array, quadratic in T.
 */
@FunctionalInterface
interface AttentionBias {
  /**
   * @return [B, 1, 1, to − from, S] float32 for the query rows [from, to), attached to {@code m}
   */
  NDArray rows(long from, long to, NDManager m);

  /** Row ranges of a given bias [B, 1, 1, T, S]. */
  static AttentionBias of(NDArray bias) {
    return (from, to, m) -> bias.get(m, new NDIndex(":, :, :, {}:{}, :", from, to));
  }

  /**
   * Block-diagonal causal attention from segment ids: query i may read key j iff j ≤ i and both
   * have the same segment id (padding, segment 0, reads padding, so no row is fully masked).
   *
   * @param segments [B, T] int32; S = T
   */
  static AttentionBias segmentCausal(NDArray segments) {
    long t = segments.getShape().get(1);
    return (from, to, m) -> {
      NDArray keys = segments.get(m, new NDIndex(":, :"));
      NDArray queries = segments.get(m, new NDIndex(":, {}:{}", from, to));
      NDArray same = queries.expandDims(2).eq(keys.expandDims(1));
      NDArray column = m.arange(0, (int) t, 1, DataType.INT32);
      NDArray row = m.arange((int) from, (int) to, 1, DataType.INT32);
      NDArray causal = column.expandDims(0).lte(row.expandDims(1));
      NDArray allowed = same.logicalAnd(causal.expandDims(0)).toType(DataType.FLOAT32, false);
      return allowed.sub(1f).mul(-Qwen2Decoder.MASKED).expandDims(1).expandDims(1);
    };
  }
}
