package org.orzspark.reward.extract;

/**
 * What the Math-Verify-style extractor looks for.
 *
 * @param latex LaTeX math: {@code $..$}, {@code $$..$$}, {@code \(..\)}, {@code \[..\]}, {@code
 *     \boxed{}}
 * @param expr plain expressions in prose: {@code 1/3}, {@code 0.5}, {@code 1,000}
 * @param boxedFirst when true a {@code \boxed{}} outranks other LaTeX (as in Math-Verify's {@code
 *     boxed_match_priority=0}); when false boxes rank with the other LaTeX by position
 */
public record ExtractionConfig(boolean latex, boolean expr, boolean boxedFirst) {
  public static final ExtractionConfig DEFAULTS = new ExtractionConfig(true, true, true);

  public ExtractionConfig {
    if (!latex && !expr) {
      throw new IllegalArgumentException("match_types must name latex, expr or both");
    }
  }
}
