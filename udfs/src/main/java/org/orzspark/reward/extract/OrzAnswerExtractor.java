package org.orzspark.reward.extract;

/**
 * The Open-Reasoner-Zero reference extraction: from a response, the last {@code <answer>...
 * </answer>} block and inside it the last brace-matched {@code \boxed{}}; from a ground truth, its
 * last {@code \boxed{}} if it has one, else the whole string.
 */
public final class OrzAnswerExtractor {
  private static final String OPEN = "<answer>";
  private static final String CLOSE = "</answer>";

  private OrzAnswerExtractor() {}

  /** The boxed answer of a response, or null when there is no complete block or no box in it. */
  public static String fromResponse(String response) {
    if (response == null) {
      return null;
    }
    int close = response.lastIndexOf(CLOSE);
    if (close < 0) {
      return null;
    }
    int open = response.lastIndexOf(OPEN, close);
    if (open < 0) {
      return null;
    }
    Boxed.Match boxed = Boxed.last(response.substring(open + OPEN.length(), close));
    return boxed == null ? null : boxed.content();
  }

  /** The reference answer: the last boxed content if any, else the whole (trimmed) string. */
  public static String fromGroundTruth(String groundTruth) {
    if (groundTruth == null) {
      return null;
    }
    Boxed.Match boxed = Boxed.last(groundTruth);
    return boxed == null ? groundTruth.trim() : boxed.content();
  }
}
