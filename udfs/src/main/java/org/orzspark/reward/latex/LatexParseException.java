package org.orzspark.reward.latex;

/** The answer is not LaTeX the parser understands, or exceeds its depth or size limits. */
public final class LatexParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LatexParseException(String message) {
    super(message, null, false, false);
  }
}
