package org.orzspark.generation;

import java.util.List;

/** Samples in request order (then sample index) and the statistics of producing them. */
public record GenerationResult(List<GeneratedSample> samples, GenerationStats stats) {}
