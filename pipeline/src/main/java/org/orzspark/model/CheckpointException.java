package org.orzspark.model;

import java.io.IOException;

/**
 * A checkpoint file that cannot be used; the message names the file and, where known, the tensor.
 */
public final class CheckpointException extends IOException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
