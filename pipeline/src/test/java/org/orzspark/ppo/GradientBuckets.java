package org.orzspark.ppo;

/** Sets the all-reduce's bucket size from tests of other packages (many buckets on tiny models). */
public final class GradientBuckets {
  private GradientBuckets() {}

  /** Sets {@link Gradients#bucketFloats}; returns the previous value, to restore. */
  public static int set(int floats) {
    int previous = Gradients.bucketFloats;
    Gradients.bucketFloats = floats;
    return previous;
  }
}
