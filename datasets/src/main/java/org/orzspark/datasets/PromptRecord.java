package org.orzspark.datasets;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One prompt of a training or evaluation set: a row of the prompt Parquet ({@link PromptSchema}).
 *
 * @param promptId {@link PromptId#of} the question
 * @param question the problem text as given (not normalised, not templated)
 * @param answer the ground truth, as given (LaTeX, an integer, a letter for multiple choice)
 * @param source where it came from, e.g. {@code math500}, {@code orz/<file>}, {@code synth/linear}
 * @param choices the options of a multiple-choice question in order (A, B, ...), or null
 * @param passRate share of a reference model's samples judged correct, or null when not measured
 * @param metadata free-form string pairs (e.g. {@code family}, {@code difficulty}); never null
 */
public record PromptRecord(
    String promptId,
    String question,
    String answer,
    String source,
    List<String> choices,
    Double passRate,
    Map<String, String> metadata) {

  public PromptRecord {
    Objects.requireNonNull(promptId, "promptId");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(source, "source");
    choices = choices == null ? null : List.copyOf(choices);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A record whose id is computed from the question. */
  public static PromptRecord of(
      String question,
      String answer,
      String source,
      List<String> choices,
      Double passRate,
      Map<String, String> metadata) {
    return new PromptRecord(
        PromptId.of(question), question, answer, source, choices, passRate, metadata);
  }
}
