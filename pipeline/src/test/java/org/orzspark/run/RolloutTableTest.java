package org.orzspark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.SharedSpark;
import org.orzspark.train.ScoredResponse;

class RolloutTableTest {
  @TempDir Path tmp;

  private static final RolloutTable.Generated SAMPLE =
      new RolloutTable.Generated(
          "p7",
          3,
          "What is 2+2?",
          "4",
          new int[] {11, 12},
          new int[] {21, 22, 23},
          "four",
          new float[] {-0.5f, -0.25f, -1f},
          "stop");

  /** The generated row written by name, stored as Parquet, read back by name. */
  private Dataset<Row> storedGenerated(SparkSession spark) {
    String folder = tmp.resolve("generated").toString();
    spark
        .createDataFrame(List.of(RolloutTable.toRow(SAMPLE)), RolloutTable.GENERATED)
        .write()
        .parquet(folder);
    return spark.read().parquet(folder);
  }

  @Test
  void aGeneratedRowRoundTripsByName() {
    SparkSession spark = SharedSpark.session();
    Row row = storedGenerated(spark).first();
    assertThat(row.<String>getAs(RolloutTable.PROMPT_ID)).isEqualTo("p7");
    assertThat(row.<Integer>getAs(RolloutTable.SAMPLE_INDEX)).isEqualTo(3);
    assertThat(row.<String>getAs(RolloutTable.QUESTION)).isEqualTo("What is 2+2?");
    assertThat(row.<String>getAs(RolloutTable.GROUND_TRUTH)).isEqualTo("4");
    assertThat(row.getList(row.fieldIndex(RolloutTable.PROMPT_TOKEN_IDS))).containsExactly(11, 12);
    assertThat(row.getList(row.fieldIndex(RolloutTable.RESPONSE_TOKEN_IDS)))
        .containsExactly(21, 22, 23);
    assertThat(row.<String>getAs(RolloutTable.RESPONSE)).isEqualTo("four");
    assertThat(row.getList(row.fieldIndex(RolloutTable.SAMPLING_LOGPROBS)))
        .containsExactly(-0.5f, -0.25f, -1f);
    assertThat(row.<String>getAs(RolloutTable.FINISH_REASON)).isEqualTo(RolloutTable.FINISH_STOP);
    assertThat(row.<Integer>getAs(RolloutTable.RESPONSE_LENGTH)).isEqualTo(3);
  }

  @Test
  void anOriginRoundTripsByNameAndARowWithoutOneHasNone() {
    SparkSession spark = SharedSpark.session();
    RolloutTable.Origin origin = new RolloutTable.Origin("ab12", -7L, 3, 11);
    String folder = tmp.resolve("with-origin").toString();
    spark
        .createDataFrame(
            List.of(RolloutTable.toRow(SAMPLE, origin), RolloutTable.toRow(SAMPLE)),
            RolloutTable.GENERATED)
        .coalesce(1)
        .write()
        .parquet(folder);
    List<Row> rows = spark.read().parquet(folder).collectAsList();
    assertThat(RolloutTable.origin(rows.get(0))).contains(origin);
    assertThat(RolloutTable.origin(rows.get(1))).isEmpty();
  }

  @Test
  void rowsOfFilesWrittenBeforeOriginsExistedHaveNone() {
    SparkSession spark = SharedSpark.session();
    String folder = tmp.resolve("old").toString();
    storedGenerated(spark)
        .drop(RolloutTable.ORIGIN_COLUMNS.toArray(String[]::new))
        .write()
        .parquet(folder);
    Row old = spark.read().parquet(folder).first();
    assertThat(RolloutTable.origin(old)).isEmpty();
    Row byTheTableSchema = spark.read().schema(RolloutTable.GENERATED).parquet(folder).first();
    assertThat(RolloutTable.origin(byTheTableSchema)).isEmpty();
    assertThat(byTheTableSchema.<String>getAs(RolloutTable.PROMPT_ID)).isEqualTo("p7");
  }

  @Test
  void theExperienceReaderFindsItsColumnsByNameInAnyOrder() {
    SparkSession spark = SharedSpark.session();
    Column[] reversed =
        List.of(
                RolloutTable.REWARD,
                RolloutTable.RESPONSE_TOKEN_IDS,
                RolloutTable.PROMPT_TOKEN_IDS,
                RolloutTable.SAMPLE_INDEX,
                RolloutTable.PROMPT_ID)
            .stream()
            .map(c -> col(c))
            .toArray(Column[]::new);
    Row row =
        storedGenerated(spark).withColumn(RolloutTable.REWARD, lit(1f)).select(reversed).first();
    ScoredResponse response = RolloutTable.scoredResponse(row);
    assertThat(response.promptId()).isEqualTo("p7");
    assertThat(response.sampleIndex()).isEqualTo(3);
    assertThat(response.tokens()).containsExactly(11, 12, 21, 22, 23);
    assertThat(response.promptLength()).isEqualTo(2);
    assertThat(response.reward()).isEqualTo(1f);
  }

  @Test
  void aColumnRenamedOnTheWritingSideFailsTheReader() {
    SparkSession spark = SharedSpark.session();
    Row row =
        storedGenerated(spark)
            .withColumn(RolloutTable.REWARD, lit(0f))
            .withColumnRenamed(RolloutTable.PROMPT_TOKEN_IDS, "prompt_tokens")
            .first();
    assertThatThrownBy(() -> RolloutTable.scoredResponse(row))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(RolloutTable.PROMPT_TOKEN_IDS);
  }

  @Test
  void theScoredTableExtendsTheGeneratedOneWithTheScoreColumns() {
    List<String> scored = List.of(RolloutTable.ROLLOUTS.fieldNames());
    assertThat(scored.subList(0, RolloutTable.GENERATED.length()))
        .containsExactly(RolloutTable.GENERATED.fieldNames());
    assertThat(scored.subList(RolloutTable.GENERATED.length(), scored.size()))
        .isEqualTo(RolloutTable.SCORE_COLUMNS);
    // the Parquet column names users rely on
    assertThat(scored)
        .containsExactly(
            "prompt_id",
            "sample_index",
            "question",
            "ground_truth",
            "prompt_token_ids",
            "response_token_ids",
            "response",
            "sampling_logprobs",
            "finish_reason",
            "response_length",
            "policy_digest",
            "generation_seed",
            "rollout_task",
            "work_unit",
            "reward",
            "extracted_answer",
            "verify_reason",
            "format_ok",
            "reflection_patterns");
  }

  @Test
  void theRowWriterRefusesAnUnsetNonNullableColumn() {
    assertThatThrownBy(
            () -> new NamedRow(RolloutTable.GENERATED).set(RolloutTable.PROMPT_ID, "p").build())
        .hasMessageContaining(RolloutTable.SAMPLE_INDEX);
    assertThatThrownBy(() -> new NamedRow(RolloutTable.GENERATED).set("prompt", "p"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
