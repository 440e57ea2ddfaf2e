package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.SharedSpark;
import org.orzspark.train.ExperienceRow;
import org.orzspark.train.ScoredResponse;

class ExperienceTableTest {
  @TempDir Path tmp;

  private static final ExperienceRow ROW =
      new ExperienceRow(
          new ScoredResponse("p1", 2, new int[] {5, 6, 7, 8}, 1, 1f),
          new float[] {-0.1f, -0.2f, -0.3f},
          new float[] {0.5f, 0.6f, 0.7f},
          new float[] {1f, 1f, 1f},
          new float[] {0.25f, -0.5f, 1.5f});

  @Test
  void aRowRoundTripsThroughParquetByName() {
    SparkSession spark = SharedSpark.session();
    String folder = tmp.resolve("experience").toString();
    spark
        .createDataFrame(List.of(ExperienceTable.toRow(ROW)), ExperienceTable.SCHEMA)
        .write()
        .parquet(folder);
    // columns read back in reverse order: the reader looks them up by name
    String[] names = ExperienceTable.SCHEMA.fieldNames();
    String[] reversed = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      reversed[i] = names[names.length - 1 - i];
    }
    Row stored =
        spark
            .read()
            .parquet(folder)
            .selectExpr(
                java.util.Arrays.stream(reversed).map(n -> "`" + n + "`").toArray(String[]::new))
            .first();
    assertThat(stored.<Integer>getAs(ExperienceTable.RESPONSE_LENGTH)).isEqualTo(3);
    ExperienceRow back = ExperienceTable.fromRow(stored);
    assertThat(back.response().promptId()).isEqualTo("p1");
    assertThat(back.response().sampleIndex()).isEqualTo(2);
    assertThat(back.response().tokens()).containsExactly(5, 6, 7, 8);
    assertThat(back.response().promptLength()).isEqualTo(1);
    assertThat(back.response().reward()).isEqualTo(1f);
    assertThat(back.oldLogProbs()).containsExactly(ROW.oldLogProbs());
    assertThat(back.values()).containsExactly(ROW.values());
    assertThat(back.returns()).containsExactly(ROW.returns());
    assertThat(back.advantages()).containsExactly(ROW.advantages());
  }

  @Test
  void aRenamedColumnFailsTheReader() {
    SparkSession spark = SharedSpark.session();
    Row renamed =
        spark
            .createDataFrame(List.of(ExperienceTable.toRow(ROW)), ExperienceTable.SCHEMA)
            .withColumnRenamed(ExperienceTable.ADVANTAGES, "advantage")
            .first();
    assertThatThrownBy(() -> ExperienceTable.fromRow(renamed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ExperienceTable.ADVANTAGES);
  }

  @Test
  void theParquetColumnNamesStay() {
    assertThat(ExperienceTable.SCHEMA.fieldNames())
        .containsExactly(
            "prompt_id",
            "sample_index",
            "token_ids",
            "prompt_length",
            "response_length",
            "reward",
            "old_logprobs",
            "values",
            "returns",
            "advantages");
  }
}
