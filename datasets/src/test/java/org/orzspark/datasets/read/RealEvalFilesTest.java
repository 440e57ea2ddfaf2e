package org.orzspark.datasets.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.testing.RepoData;
import org.orzspark.testing.SharedSpark;

/** The evaluation sets in datasets/data/eval, read in place with format detection. */
class RealEvalFilesTest {

  private static PromptValidator validate(String file, int expectedRecords) throws IOException {
    ReadResult read =
        PromptFiles.read(
            SharedSpark.session(), RepoData.resolve("eval/" + file).toString(), InputFormat.AUTO);
    assertThat(read.recordsRead()).as(file).isEqualTo(expectedRecords);
    assertThat(read.quarantined()).as(file + " parse failures").isEmpty();
    return new PromptValidator(PromptValidator.Limits.DEFAULT).addAll(read.parsed());
  }

  @Test
  void math500IsAllValid() throws IOException {
    PromptValidator v = validate("math500.json", 500);
    assertThat(v.quarantined()).isEmpty();
    assertThat(v.accepted()).allSatisfy(r -> assertThat(r.source()).isEqualTo("math500"));
    assertThat(v.accepted().get(0).answer()).isEqualTo("\\left( 3, \\frac{\\pi}{2} \\right)");
  }

  @Test
  void gpqaDiamondKeepsItsFourChoicesAndLetterAnswers() throws IOException {
    PromptValidator v = validate("gpqa_diamond.json", 198);
    assertThat(v.quarantined()).isEmpty();
    assertThat(v.accepted())
        .allSatisfy(
            r -> {
              assertThat(r.choices()).hasSize(4);
              assertThat(r.answer()).isIn("A", "B", "C", "D");
            });
    PromptRecord first = v.accepted().get(0);
    assertThat(first.choices()).containsExactly("d", "a", "b", "c");
    assertThat(first.answer()).isEqualTo("D");
  }

  @Test
  void aime2024RecordEightHasABrokenTimesEscape() throws IOException {
    PromptValidator v = validate("aime2024.json", 30);
    // "$5 \times 5$" was decoded to "$5 <TAB>imes 5$" upstream.
    assertThat(v.quarantined())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.reason()).isEqualTo(QuarantineReason.BROKEN_ESCAPE);
              assertThat(q.lineOrIndex()).isEqualTo(8);
              assertThat(q.detail()).contains("\\times");
            });
    assertThat(v.accepted()).hasSize(29);
  }

  @Test
  void aime2025QuarantinesTheThreeBrokenEscapeRecords() throws IOException {
    PromptValidator v = validate("aime2025.jsonl", 30);
    assertThat(v.quarantined())
        .extracting(QuarantineEntry::reason)
        .containsOnly(QuarantineReason.BROKEN_ESCAPE);
    // JSON Lines positions are 1-based lines: records 18, 19, 27 are lines 19, 20, 28.
    assertThat(v.quarantined())
        .extracting(QuarantineEntry::lineOrIndex)
        .containsExactly(19L, 20L, 28L);
    assertThat(v.quarantined())
        .extracting(QuarantineEntry::detail)
        .anySatisfy(d -> assertThat(d).contains("\\frac"))
        .anySatisfy(d -> assertThat(d).contains("\\triangle"));
    assertThat(v.quarantined().get(0).original()).startsWith("{\"problem\": \"The product");
    assertThat(v.accepted()).hasSize(27);
    assertThat(v.accepted().get(0).answer()).isEqualTo("70");
    assertThat(v.accepted().get(0).metadata()).containsEntry("id", "0");
    List<String> ids = v.accepted().stream().map(r -> r.metadata().get("id")).toList();
    assertThat(ids).doesNotContain("18", "19", "27");
  }
}
