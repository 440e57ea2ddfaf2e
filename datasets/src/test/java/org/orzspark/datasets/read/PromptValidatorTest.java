package org.orzspark.datasets.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptRecord;

class PromptValidatorTest {

  private static ParsedPrompt prompt(String question, String answer, long position) {
    return prompt(PromptRecord.of(question, answer, "s", null, null, Map.of()), position);
  }

  private static ParsedPrompt prompt(PromptRecord record, long position) {
    return new ParsedPrompt(record, "f.json", position, "original " + position);
  }

  private static QuarantineReason rejectionOf(ParsedPrompt prompt) {
    PromptValidator validator = new PromptValidator(new PromptValidator.Limits(50, 10));
    assertThat(validator.add(prompt)).isFalse();
    return validator.quarantined().get(0).reason();
  }

  @Test
  void emptyOrBlankFieldsAreRejected() {
    assertThat(rejectionOf(prompt(" \n", "1", 0))).isEqualTo(QuarantineReason.EMPTY_QUESTION);
    assertThat(rejectionOf(prompt("q", "", 0))).isEqualTo(QuarantineReason.EMPTY_ANSWER);
  }

  @Test
  void oversizeTextIsRejectedAtTheLimitPlusOne() {
    assertThat(
            new PromptValidator(new PromptValidator.Limits(50, 10))
                .add(prompt("x".repeat(50), "1234567890", 0)))
        .isTrue();
    assertThat(rejectionOf(prompt("x".repeat(51), "1", 0))).isEqualTo(QuarantineReason.OVERSIZE);
    assertThat(rejectionOf(prompt("q", "12345678901", 0))).isEqualTo(QuarantineReason.OVERSIZE);
    PromptRecord longChoice =
        PromptRecord.of("q", "A", "s", List.of("x".repeat(51)), null, Map.of());
    assertThat(rejectionOf(prompt(longChoice, 0))).isEqualTo(QuarantineReason.OVERSIZE);
  }

  @Test
  void damagedTextInAnyFieldIsRejected() {
    assertThat(rejectionOf(prompt("Find $\frac{1}{2}$", "1", 0)))
        .isEqualTo(QuarantineReason.BROKEN_ESCAPE);
    assertThat(rejectionOf(prompt("q", "\frac{1}{2}", 0)))
        .isEqualTo(QuarantineReason.BROKEN_ESCAPE);
    PromptRecord badChoice =
        PromptRecord.of("q", "A", "s", List.of("ok", "bad\u0000"), null, Map.of());
    assertThat(rejectionOf(prompt(badChoice, 0))).isEqualTo(QuarantineReason.INVALID_CHARACTER);
  }

  @Test
  void unpairedSurrogatesAnywhereAreRejectedSinceParquetCannotHoldThem() {
    assertThat(rejectionOf(prompt("x\ud800", "1", 0)))
        .isEqualTo(QuarantineReason.INVALID_CHARACTER);
    PromptRecord badKey = PromptRecord.of("q", "1", "s", null, null, Map.of("k\udc00", "v"));
    PromptRecord badValue = PromptRecord.of("q", "1", "s", null, null, Map.of("id", "\ud83d"));
    assertThat(rejectionOf(prompt(badKey, 0))).isEqualTo(QuarantineReason.INVALID_CHARACTER);
    PromptValidator validator = new PromptValidator(new PromptValidator.Limits(50, 10));
    assertThat(validator.add(prompt(badValue, 0))).isFalse();
    assertThat(validator.quarantined().get(0).detail())
        .isEqualTo("metadata 'id': unpaired surrogate U+D83D at offset 0");
    PromptRecord pair =
        PromptRecord.of("q \ud83d\ude00", "1", "s", null, null, Map.of("id", "\ud83d\ude00"));
    assertThat(validator.add(prompt(pair, 1))).isTrue();
  }

  @Test
  void idMustBeTheQuestionsId() {
    PromptRecord wrongId =
        new PromptRecord("0000000000000000", "q", "1", "s", null, null, Map.of());
    assertThat(rejectionOf(prompt(wrongId, 0))).isEqualTo(QuarantineReason.ID_MISMATCH);
  }

  @Test
  void laterDuplicatesAreQuarantinedAndTheFirstIsKept() {
    PromptValidator validator = new PromptValidator(PromptValidator.Limits.DEFAULT);
    validator.addAll(
        List.of(
            prompt("What is 1+1?", "2", 0),
            prompt("What  is 1+1? ", "3", 1),
            prompt("Other", "2", 2)));
    assertThat(validator.accepted())
        .extracting(PromptRecord::question)
        .containsExactly("What is 1+1?", "Other");
    assertThat(validator.quarantined())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.reason()).isEqualTo(QuarantineReason.DUPLICATE_ID);
              assertThat(q.lineOrIndex()).isEqualTo(1);
              assertThat(q.original()).isEqualTo("original 1");
              assertThat(q.detail()).contains("f.json at 0").contains("different answer '2'");
            });
  }
}
