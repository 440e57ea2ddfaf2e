package org.orzspark.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Products and quotients by a constant that are safe under autograd.
 *
 * <p>DJL's {@code mul(Number)} and {@code div(Number)} wrap the constant in an array made from Java
 * data, which on CPU borrows a direct buffer, and close it as soon as the product exists. PyTorch's
 * autograd keeps that operand for the backward pass, so once the garbage collector frees the buffer
 * the backward reads whatever lives there next: gradients of 1e29 or a crash in the autograd
 * engine, at random. The constant here is made by PyTorch itself ({@code full}), so autograd's
 * reference keeps it alive.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code x · factor}, attached to {@code x}'s manager. */
  public static NDArray times(NDArray x, double factor) {
    try (NDArray constant = constant(x, factor)) {
      return x.mul(constant);
    }
  }

  /** {@code x / divisor}, attached to {@code x}'s manager. */
  public static NDArray dividedBy(NDArray x, double divisor) {
    try (NDArray constant = constant(x, divisor)) {
      return x.div(constant);
    }
  }

  /** A 0-dim array of {@code x}'s type (a float32 array stays float32). */
  private static NDArray constant(NDArray x, double value) {
    return x.getManager().full(new Shape(), (float) value, x.getDataType());
  }
}
