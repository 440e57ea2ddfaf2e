package org.orzspark.datasets.read;

/** Thrown by a record mapper when a JSON record does not have the format's shape. */
final class MalformedRecordException extends Exception {
  private final QuarantineReason reason;

  MalformedRecordException(QuarantineReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  QuarantineReason reason() {
    return reason;
  }
}
