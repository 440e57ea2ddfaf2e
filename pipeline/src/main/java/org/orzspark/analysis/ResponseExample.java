package org.orzspark.analysis;

import java.util.List;

/** A response picked for reading (report, notebooks), with the patterns it contains. */
public record ResponseExample(
    int iteration,
    String promptId,
    int sampleIndex,
    String question,
    String groundTruth,
    String response,
    Float reward,
    int responseLength,
    String finishReason,
    List<String> patterns) {}
