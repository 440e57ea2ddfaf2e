package org.orzspark.datasets.curate;

/**
 * LSH banding of a MinHash signature: the signature's {@code bands × rows} values are cut into
 * {@code bands} consecutive groups of {@code rows}; two questions become candidates when all rows
 * of at least one band agree. For Jaccard similarity J the candidate probability is {@code 1 − (1 −
 * J^rows)^bands}: rows suppress the many low-similarity pairs (J^rows), bands keep recall at high
 * J. With bands = 1 row each this is Spark's {@code approxSimilarityJoin} (any one hash table
 * equal), whose candidate count grows with n²·J̄ and explodes on templated text.
 */
public final class MinHashBands {

  private MinHashBands() {}

  /**
   * One key per band.
   *
   * @param signature [bands × rows] min-hash values, band-major
   * @return [bands] keys: a 64-bit mix of the band's row values (the band index is kept apart by
   *     the caller, so equal rows in different bands never collide)
   */
  public static long[] keys(double[] signature, int rows) {
    if (rows < 1 || signature.length % rows != 0) {
      throw new IllegalArgumentException(
          "signature of " + signature.length + " values does not split into bands of " + rows);
    }
    long[] keys = new long[signature.length / rows];
    for (int band = 0; band < keys.length; band++) {
      long key = 0x9e3779b97f4a7c15L;
      for (int r = 0; r < rows; r++) {
        key = mix(key ^ (long) signature[band * rows + r]);
      }
      keys[band] = key;
    }
    return keys;
  }

  /** Probability that a pair of Jaccard similarity {@code j} becomes a candidate. */
  public static double candidateProbability(double j, int bands, int rows) {
    return 1 - Math.pow(1 - Math.pow(j, rows), bands);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
