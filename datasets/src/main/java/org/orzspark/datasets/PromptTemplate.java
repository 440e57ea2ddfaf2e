package org.orzspark.datasets;

import java.util.List;
import java.util.stream.Stream;

/**
 * The Open-Reasoner-Zero prompt: no chat template, the question embedded in one fixed text that
 * ends with {@code Assistant: <think>}, so the model continues inside its reasoning block.
 *
 * <p>{@link #render} is the paper's Table 1 (the default); {@link #renderReference} is the variant
 * of the reference code, which puts the question after {@code "\nThis is the problem:\n"}. The
 * reference code also prefixes the tokenizer's BOS token; that is the tokenizer's business (it
 * knows whether it has one), so neither text here contains it.
 */
public final class PromptTemplate {

  /** Generation stops after this string and keeps it in the response (the answer is complete). */
  public static final String ANSWER_END = "</answer>";

  /** Generation stops before these strings: the model started a new conversation turn. */
  public static final List<String> TURN_STOPS = List.of("User:", "Human:", "Assistant:");

  /**
   * All stop strings of a rollout: {@link #ANSWER_END} (kept) then {@link #TURN_STOPS} (dropped).
   */
  public static final List<String> STOP_STRINGS =
      Stream.concat(Stream.of(ANSWER_END), TURN_STOPS.stream()).toList();

  private static final String INSTRUCTIONS =
      "A conversation between User and Assistant. The user asks a question, and the Assistant"
          + " solves it. The assistant first thinks about the reasoning process in the mind and"
          + " then provides the user with the answer. The reasoning process and answer are enclosed"
          + " within <think> </think> and <answer> </answer> tags, respectively, i.e., <think>"
          + " reasoning process here </think> <answer> answer here </answer>. User: You must put"
          + " your answer inside <answer> </answer> tags, i.e., <answer> answer here </answer>. And"
          + " your final answer will be extracted automatically by the \\boxed{} tag.";

  private static final String ASSISTANT_TURN = "\nAssistant: <think>";

  private PromptTemplate() {}

  /** The paper's Table 1 template with {@code {{prompt}}} replaced by {@code question}. */
  public static String render(String question) {
    return INSTRUCTIONS + " " + question + ASSISTANT_TURN;
  }

  /**
   * The template a run names ({@code data.prompt_template}), written in lower case in {@code
   * run.json} and on the command line: {@code paper} ({@link #render}) or {@code reference} ({@link
   * #renderReference}).
   */
  public enum Variant {
    PAPER,
    REFERENCE;

    /** The question in this template. */
    public String render(String question) {
      return switch (this) {
        case PAPER -> PromptTemplate.render(question);
        case REFERENCE -> renderReference(question);
      };
    }

    /** The name users write: {@code paper}, {@code reference}. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The variant named {@code key} ({@code paper}, {@code reference}), or an error listing both.
     */
    public static Variant parse(String key) {
      for (Variant variant : values()) {
        if (variant.key().equals(key)) {
          return variant;
        }
      }
      throw new IllegalArgumentException(
          "unknown prompt template '" + key + "'; valid: paper, reference");
    }
  }

  /** The reference code's template (without its BOS token, see the class comment). */
  public static String renderReference(String question) {
    return INSTRUCTIONS + "\nThis is the problem:\n" + question + ASSISTANT_TURN;
  }
}
