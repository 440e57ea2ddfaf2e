package org.orzspark.analysis;

import java.util.Map;

/**
 * One iteration's figures from its rollouts (a row of the analysis table; the paper's Figure 7 is
 * these over iterations). Means over no responses are NaN (null in the tables).
 *
 * @param iteration the iteration
 * @param responses responses in the rollouts
 * @param rewardMean mean reward (= accuracy, the reward being 0/1)
 * @param responseLengthMean mean response length in tokens
 * @param responseLengthP50 median response length (exact percentile, linear interpolation)
 * @param responseLengthP90 90th percentile of the response length (same)
 * @param formatRate share of well-formed responses ({@code format_ok}, recomputed where null)
 * @param reflectingResponses responses with at least one reflection pattern
 * @param reflectionShare {@code reflectingResponses / responses}
 * @param patternCounts per pattern (in {@code ReflectionPatterns.NAMES} order), the responses that
 *     contain it
 * @param correctReflectionLengthMean mean length of the correct responses that contain a pattern
 *     (the paper's "average correct reflection length")
 * @param accuracyReflecting mean reward of the responses with a pattern
 * @param accuracyNonReflecting mean reward of the responses without one
 * @param stepMoment whether the step-moment rule flagged this iteration
 */
public record IterationStats(
    int iteration,
    long responses,
    double rewardMean,
    double responseLengthMean,
    double responseLengthP50,
    double responseLengthP90,
    double formatRate,
    long reflectingResponses,
    double reflectionShare,
    Map<String, Long> patternCounts,
    double correctReflectionLengthMean,
    double accuracyReflecting,
    double accuracyNonReflecting,
    boolean stepMoment) {

  public IterationStats withStepMoment(boolean flagged) {
    return new IterationStats(
        iteration,
        responses,
        rewardMean,
        responseLengthMean,
        responseLengthP50,
        responseLengthP90,
        formatRate,
        reflectingResponses,
        reflectionShare,
        patternCounts,
        correctReflectionLengthMean,
        accuracyReflecting,
        accuracyNonReflecting,
        flagged);
  }
}
