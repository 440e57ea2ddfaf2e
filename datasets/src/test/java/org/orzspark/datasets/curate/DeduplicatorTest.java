package org.orzspark.datasets.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.orzspark.datasets.PromptId;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.testing.SharedSpark;

class DeduplicatorTest {

  static final Deduplicator.Settings DEFAULTS =
      new Deduplicator.Settings(
          new NgramNearDuplicates.Settings(5, Shingler.Unit.CHAR, 0.8, 20, 5, 42),
          new EmbeddingNearDuplicates.Settings(0.95, 8, 2.0, 42));

  private static DedupFixture fixture;
  private static Deduplicator.Outcome outcome;

  @BeforeAll
  static void runOnTheFixture() throws Exception {
    fixture = new DedupFixture(60, 80);
    outcome =
        Deduplicator.run(
            PromptSchema.toDataFrame(SharedSpark.session(), fixture.prompts),
            DEFAULTS,
            Optional.empty());
  }

  @Test
  void precisionAndRecallOnPlantedDuplicates() {
    List<Row> removed = outcome.removed().collectAsList();
    long truePositives =
        removed.stream()
            .filter(r -> fixture.cluster.get(id(r)).equals(fixture.cluster.get(duplicateOf(r))))
            .count();
    int expected = fixture.prompts.size() - fixture.clusters();
    double precision = (double) truePositives / removed.size();
    double recall = (double) truePositives / expected;
    System.out.printf(
        "dedup on %d prompts (%d planted duplicates): removed %d, precision %.3f, recall %.3f,"
            + " %s%n",
        fixture.prompts.size(), expected, removed.size(), precision, recall, outcome.counts());
    assertThat(precision).isGreaterThanOrEqualTo(0.98);
    assertThat(recall).isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void everyRowIsKeptOrRemovedAndKeptIdsAreUnique() {
    Map<String, Long> c = outcome.counts();
    assertThat(
            c.get("kept")
                + c.get("removed_exact")
                + c.get("removed_minhash")
                + c.get("removed_embedding"))
        .isEqualTo(c.get("rows_in"))
        .isEqualTo(fixture.prompts.size());
    assertThat(outcome.kept().select(PromptSchema.PROMPT_ID).distinct().count())
        .isEqualTo(c.get("kept"));
    assertThat(outcome.kept().schema()).isEqualTo(PromptSchema.SCHEMA);
    long distinctNormalised =
        fixture.prompts.stream()
            .map(p -> QuestionNormalizer.normalise(p.question()))
            .distinct()
            .count();
    assertThat(c.get("removed_exact"))
        .isEqualTo(fixture.prompts.size() - distinctNormalised)
        .isGreaterThan(20);
    assertThat(c.get("removed_exact") + c.get("removed_minhash"))
        .isEqualTo(outcome.removed().count());
    assertThat(outcome.stageMillis()).containsKeys("exact", "shingling", "lsh_join", "grouping");
  }

  @Test
  void representativesAreTheSmallestIdsOfTheirGroups() {
    Map<String, String> minOfGroup = new HashMap<>();
    for (Row r : outcome.removed().collectAsList()) {
      assertThat(duplicateOf(r)).isLessThan(id(r));
      minOfGroup.put(id(r), duplicateOf(r));
    }
    List<String> kept =
        outcome
            .kept()
            .select(PromptSchema.PROMPT_ID)
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(kept).containsAll(minOfGroup.values());
  }

  @Test
  void aChainFormsOneGroupEvenWhenItsEndsAreNotSimilar() {
    String a =
        "Alice has 12 red apples and 30 green pears in her big basket today. How many fruits?";
    String b = a.replace("red", "blue");
    String c = b.replace("green", "ripe");
    Shingler shingler = new Shingler(5, Shingler.Unit.CHAR);
    double ab = jaccard(shingler, a, b);
    double bc = jaccard(shingler, b, c);
    double ac = jaccard(shingler, a, c);
    assertThat(Math.min(ab, bc)).as("neighbours similar").isGreaterThanOrEqualTo(0.75);
    assertThat(ac).as("ends below the threshold").isLessThan(0.75);
    List<PromptRecord> records =
        List.of(
            record(a, "42"),
            record(b, "42"),
            record(c, "42"),
            record("Something else entirely, x=2.", "2"));
    Deduplicator.Outcome chain =
        Deduplicator.run(
            PromptSchema.toDataFrame(SharedSpark.session(), records),
            new Deduplicator.Settings(
                new NgramNearDuplicates.Settings(5, Shingler.Unit.CHAR, 0.75, 20, 5, 42),
                DEFAULTS.embedding()),
            Optional.empty());
    String smallest =
        records.subList(0, 3).stream()
            .map(PromptRecord::promptId)
            .sorted()
            .findFirst()
            .orElseThrow();
    assertThat(chain.counts())
        .containsEntry("kept", 2L)
        .containsEntry("removed_minhash", 2L)
        .containsEntry("minhash_groups", 1L);
    assertThat(chain.removed().collectAsList())
        .allSatisfy(
            r -> {
              assertThat(duplicateOf(r)).isEqualTo(smallest);
              assertThat(r.getAs(RemovedDuplicates.METHOD).toString())
                  .isEqualTo(RemovedDuplicates.MINHASH);
            });
  }

  @Test
  void exactDuplicatesFlagDisagreeingAnswersAndShortOrEmptyQuestionsSurvive() {
    // three spellings of one question (one with a wrong answer); two short questions; two questions
    // that are empty once normalised (exact duplicates of each other, then without shingles)
    List<PromptRecord> records =
        List.of(
            record("What is $1/2$ of 1?", "\\frac{1}{2}"),
            record("what is 1/2 of 1", "0.5"),
            record("WHAT IS 1/2 OF 1 ?", "3"),
            record("x=1", "1"),
            record("x=2", "2"),
            record("$\\quad$", "0"),
            record("?", "0"));
    Deduplicator.Outcome small =
        Deduplicator.run(
            PromptSchema.toDataFrame(SharedSpark.session(), records), DEFAULTS, Optional.empty());
    // the group's representative is its smallest id; answers are judged against the
    // representative's
    PromptRecord representative =
        records.subList(0, 3).stream()
            .min(java.util.Comparator.comparing(PromptRecord::promptId))
            .orElseThrow();
    long conflicts = representative.answer().equals("3") ? 2 : 1;
    assertThat(small.counts())
        .containsEntry("removed_exact", 3L)
        .containsEntry("answer_conflicts", conflicts)
        .containsEntry("kept", 4L)
        .containsEntry("unshingled", 1L);
    for (Row r :
        small
            .removed()
            .filter(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col(RemovedDuplicates.DUPLICATE_OF)
                    .equalTo(representative.promptId()))
            .collectAsList()) {
      boolean agrees = AnswerAgreement.agree(r.getAs(PromptSchema.ANSWER), representative.answer());
      assertThat(r.<Boolean>getAs(RemovedDuplicates.ANSWER_CONFLICT)).isEqualTo(!agrees);
    }
    assertThat(AnswerAgreement.agree("0.5", "\\frac{1}{2}")).isTrue();
    assertThat(AnswerAgreement.agree("3", "\\frac{1}{2}")).isFalse();
  }

  @Test
  void idsSharedByDifferentQuestionsAreRefused() {
    List<PromptRecord> records =
        List.of(
            new PromptRecord("same", "What is 1+1?", "2", "t", null, null, Map.of()),
            new PromptRecord("same", "What is 2+2?", "4", "t", null, null, Map.of()));
    Dataset<Row> frame = PromptSchema.toDataFrame(SharedSpark.session(), records);
    assertThatThrownBy(() -> Deduplicator.run(frame, DEFAULTS, Optional.empty()))
        .hasMessageContaining("prompt_id");
  }

  private static double jaccard(Shingler shingler, String a, String b) {
    return Shingler.jaccard(
        shingler.shingles(QuestionNormalizer.normalise(a)),
        shingler.shingles(QuestionNormalizer.normalise(b)));
  }

  private static PromptRecord record(String question, String answer) {
    return new PromptRecord(PromptId.of(question), question, answer, "test", null, null, Map.of());
  }

  private static String id(Row r) {
    return r.getAs(PromptSchema.PROMPT_ID);
  }

  private static String duplicateOf(Row r) {
    return r.getAs(RemovedDuplicates.DUPLICATE_OF);
  }
}
