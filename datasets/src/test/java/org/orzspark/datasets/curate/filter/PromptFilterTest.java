package org.orzspark.datasets.curate.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.read.InputFormat;
import org.orzspark.datasets.read.ParsedPrompt;
import org.orzspark.datasets.read.PromptFiles;
import org.orzspark.testing.RepoData;
import org.orzspark.testing.SharedSpark;

/** The rules through Spark on fixtures, and on the real GPQA-Diamond and MATH500 sets. */
class PromptFilterTest {

  private static final List<PromptRule> ALL_BUT_LENGTH =
      FilterRules.of(
          List.of("multiple-choice", "proof", "non-english", "unverifiable"), Optional.empty(), 1);

  static List<PromptRecord> eval(String file) throws IOException {
    return PromptFiles.read(
            SharedSpark.session(), RepoData.resolve("eval/" + file).toString(), InputFormat.AUTO)
        .parsed()
        .stream()
        .map(ParsedPrompt::record)
        .toList();
  }

  @Test
  void eachRemovedRowCarriesTheFirstMatchingRule() {
    List<PromptRecord> prompts =
        List.of(
            PromptRulesTest.prompt("Which of the following proves it?", "A"),
            PromptRulesTest.prompt("Prove that 1 < 2.", "true"),
            PromptRulesTest.prompt("求 $x$ 的值，已知方程。", "2"),
            PromptRulesTest.prompt("Find x.", "\\frac{1}{"),
            // A poisoned gold answer: parses, but no comparison with it can finish.
            PromptRulesTest.prompt("Count the subsets.", "\\binom{5}{10^{10}}"),
            PromptRulesTest.prompt("Find x if x + 1 = 3.", "2"));
    PromptFilter.Outcome outcome =
        PromptFilter.apply(
            PromptSchema.toDataFrame(SharedSpark.session(), prompts), ALL_BUT_LENGTH);
    assertThat(outcome.rowsIn()).isEqualTo(6);
    assertThat(outcome.removedByReason())
        .containsExactly(
            java.util.Map.entry("multiple-choice", 1L),
            java.util.Map.entry("proof", 1L),
            java.util.Map.entry("non-english", 1L),
            java.util.Map.entry("unverifiable", 2L));
    assertThat(outcome.kept().schema()).isEqualTo(PromptSchema.SCHEMA);
    assertThat(outcome.kept().collectAsList())
        .extracting(r -> r.getString(1))
        .containsExactly("Find x if x + 1 = 3.");
    Row first = outcome.removed().filter("question like 'Which%'").first();
    assertThat(first.<String>getAs(PromptFilter.REASON)).isEqualTo("multiple-choice");
    assertThat(outcome.removed().schema().fieldNames())
        .isEqualTo(PromptFilter.REMOVED_SCHEMA.fieldNames());
  }

  @Test
  void gpqaDiamondIsAllMultipleChoice() throws IOException {
    List<PromptRecord> gpqa = eval("gpqa_diamond.json");
    assertThat(gpqa).hasSize(198);
    PromptFilter.Outcome outcome =
        PromptFilter.apply(
            PromptSchema.toDataFrame(SharedSpark.session(), gpqa),
            List.of(new MultipleChoiceRule()));
    assertThat(outcome.removedByReason()).containsEntry("multiple-choice", 198L);
    // also from the text alone: the lettered options survive without the choices column
    long byText =
        gpqa.stream()
            .filter(
                p ->
                    new MultipleChoiceRule()
                        .drops(
                            PromptRecord.of(
                                p.question(), p.answer(), p.source(), null, null, p.metadata())))
            .count();
    System.out.printf(
        "GPQA-Diamond: %d of %d multiple choice by text alone%n", byText, gpqa.size());
    assertThat(byText).isGreaterThanOrEqualTo(190);
  }

  @Test
  void math500KeepsAlmostEverything() throws IOException {
    List<PromptRecord> math = eval("math500.json");
    PromptFilter.Outcome outcome =
        PromptFilter.apply(PromptSchema.toDataFrame(SharedSpark.session(), math), ALL_BUT_LENGTH);
    System.out.printf("MATH500 filter: %s%n", outcome.removedByReason());
    outcome.removed().select("reason", "question", "answer").show(30, 100, false);
    assertThat(outcome.removedByReason().get("non-english")).isZero();
    assertThat(outcome.removedByReason().get("proof")).isLessThanOrEqualTo(5);
    // MATH500 has three real multiple-choice problems (answers \text{(C)}, \text{(E)}, \text{(B)});
    // only those go (letters in Asymptote code such as dot(A) or (A)--(B) are not options)
    assertThat(outcome.removed().filter("reason = 'multiple-choice'").collectAsList())
        .hasSize(3)
        .allSatisfy(
            r -> assertThat(r.<String>getAs("answer")).matches("\\\\text\\{\\([A-E]\\)\\}|[A-E]"));
    assertThat(outcome.removedByReason().get("unverifiable")).isLessThanOrEqualTo(15);
    assertThat(outcome.kept().count()).isGreaterThanOrEqualTo(470);
  }
}
