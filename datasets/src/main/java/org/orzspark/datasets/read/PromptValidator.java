package org.orzspark.datasets.read;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.orzspark.datasets.PromptId;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.text.UnpairedSurrogates;

/**
 * Accepts parsed prompts into one prompt set, in input order: each either passes every check or is
 * quarantined with the first failing check's reason. Checks: non-blank question and answer, size
 * limits, {@link TextDefects} in question, answer and choices, no unpaired surrogate in the
 * metadata (it could not be written as UTF-8), the id being the question's id, and no earlier
 * record with the same id (the first occurrence is kept).
 */
public final class PromptValidator {

  /** Size limits in characters (UTF-16 units). */
  public record Limits(int maxQuestionChars, int maxAnswerChars) {
    /**
     * 16,384 question characters (about 4k tokens, twice the paper's 2,048-token prompt limit);
     * 1,024 for answers.
     */
    public static final Limits DEFAULT = new Limits(16_384, 1_024);
  }

  private final Limits limits;
  private final Map<String, ParsedPrompt> firstById = new HashMap<>();
  private final List<ParsedPrompt> accepted = new ArrayList<>();
  private final List<QuarantineEntry> quarantined = new ArrayList<>();

  public PromptValidator(Limits limits) {
    this.limits = limits;
  }

  /** Validates the prompts in order; returns this for chaining. */
  public PromptValidator addAll(List<ParsedPrompt> prompts) {
    prompts.forEach(this::add);
    return this;
  }

  /** Validates one prompt; true when accepted. */
  public boolean add(ParsedPrompt prompt) {
    Optional<QuarantineEntry> problem = check(prompt);
    if (problem.isPresent()) {
      quarantined.add(problem.get());
      return false;
    }
    firstById.put(prompt.record().promptId(), prompt);
    accepted.add(prompt);
    return true;
  }

  /** Adds entries that failed before validation (parse failures) to the quarantine. */
  public void addQuarantined(List<QuarantineEntry> entries) {
    quarantined.addAll(entries);
  }

  /** The accepted records, in input order. */
  public List<PromptRecord> accepted() {
    return accepted.stream().map(ParsedPrompt::record).toList();
  }

  /** The accepted records with where they were read. */
  public List<ParsedPrompt> acceptedPrompts() {
    return List.copyOf(accepted);
  }

  public List<QuarantineEntry> quarantined() {
    return List.copyOf(quarantined);
  }

  private Optional<QuarantineEntry> check(ParsedPrompt prompt) {
    PromptRecord r = prompt.record();
    if (r.question().isBlank()) {
      return Optional.of(prompt.quarantine(QuarantineReason.EMPTY_QUESTION, "question is blank"));
    }
    if (r.answer().isBlank()) {
      return Optional.of(prompt.quarantine(QuarantineReason.EMPTY_ANSWER, "answer is blank"));
    }
    if (r.question().length() > limits.maxQuestionChars()) {
      return Optional.of(
          prompt.quarantine(
              QuarantineReason.OVERSIZE,
              "question has "
                  + r.question().length()
                  + " characters, limit "
                  + limits.maxQuestionChars()));
    }
    if (r.answer().length() > limits.maxAnswerChars()) {
      return Optional.of(
          prompt.quarantine(
              QuarantineReason.OVERSIZE,
              "answer has "
                  + r.answer().length()
                  + " characters, limit "
                  + limits.maxAnswerChars()));
    }
    List<String> choices = r.choices() == null ? List.of() : r.choices();
    for (int i = 0; i < choices.size(); i++) {
      if (choices.get(i).length() > limits.maxQuestionChars()) {
        return Optional.of(
            prompt.quarantine(
                QuarantineReason.OVERSIZE,
                "choice " + i + " has " + choices.get(i).length() + " characters"));
      }
    }
    Optional<QuarantineEntry> defect =
        defect("question", r.question(), prompt)
            .or(() -> defect("answer", r.answer(), prompt))
            .or(
                () ->
                    choices.stream()
                        .flatMap(c -> defect("choice", c, prompt).stream())
                        .findFirst());
    if (defect.isPresent()) {
      return defect;
    }
    Optional<QuarantineEntry> unwritable = unpairedSurrogateInMetadata(r.metadata(), prompt);
    if (unwritable.isPresent()) {
      return unwritable;
    }
    String expectedId = PromptId.of(r.question());
    if (!expectedId.equals(r.promptId())) {
      return Optional.of(
          prompt.quarantine(
              QuarantineReason.ID_MISMATCH,
              "prompt_id " + r.promptId() + " but the question's id is " + expectedId));
    }
    ParsedPrompt first = firstById.get(r.promptId());
    if (first != null) {
      String answers =
          first.record().answer().equals(r.answer())
              ? "same answer"
              : "different answer '" + first.record().answer() + "'";
      return Optional.of(
          prompt.quarantine(
              QuarantineReason.DUPLICATE_ID,
              "prompt_id "
                  + r.promptId()
                  + " already read from "
                  + first.sourceFile()
                  + " at "
                  + first.lineOrIndex()
                  + " ("
                  + answers
                  + ")"));
    }
    return Optional.empty();
  }

  /**
   * Metadata is free-form and kept as given, except that an unpaired surrogate in a key or value
   * would be written to Parquet as {@code ?}. The key is named unless it holds the surrogate
   * itself.
   */
  private static Optional<QuarantineEntry> unpairedSurrogateInMetadata(
      Map<String, String> metadata, ParsedPrompt prompt) {
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      int inKey = UnpairedSurrogates.indexIn(entry.getKey(), 0);
      if (inKey >= 0) {
        return Optional.of(invalid("metadata key", entry.getKey(), inKey, prompt));
      }
      int inValue = UnpairedSurrogates.indexIn(entry.getValue(), 0);
      if (inValue >= 0) {
        return Optional.of(
            invalid("metadata '" + entry.getKey() + "'", entry.getValue(), inValue, prompt));
      }
    }
    return Optional.empty();
  }

  private static QuarantineEntry invalid(String field, String text, int at, ParsedPrompt prompt) {
    TextDefects.Defect defect = TextDefects.invalidCharacter(text, at);
    return prompt.quarantine(defect.reason(), field + ": " + defect.detail());
  }

  private static Optional<QuarantineEntry> defect(String field, String text, ParsedPrompt prompt) {
    return TextDefects.find(text)
        .map(d -> prompt.quarantine(d.reason(), field + ": " + d.detail()));
  }
}
