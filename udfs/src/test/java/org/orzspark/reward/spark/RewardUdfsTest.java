package org.orzspark.reward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.SharedSpark;

/** The four reward functions applied to a DataFrame of responses on Spark local. */
class RewardUdfsTest {
  private static SparkSession spark;

  @BeforeAll
  static void register() {
    spark = SharedSpark.session();
    RewardUdfs.register(spark);
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("response", DataTypes.StringType, true)
            .add("ground_truth", DataTypes.StringType, true)
            .add("finished", DataTypes.BooleanType, true);
    List<Row> rows =
        List.of(
            RowFactory.create(1, "<think>Wait, 2+2.</think> <answer>\\boxed{\\frac{8}{2}}</answer>", "4", true),
            RowFactory.create(2, "<think>retry</think> <answer>\\boxed{5}</answer>", "4", true),
            RowFactory.create(3, "<think>4</think> <answer>\\boxed{4}</answer>", "\\boxed{4}", false),
            RowFactory.create(4, "<think>4</think> 4", "4", true),
            RowFactory.create(5, null, "4", true),
            RowFactory.create(6, "<answer>\\boxed{4}</answer>", null, null),
            RowFactory.create(7, "<answer>\\boxed{0.5}</answer>", "\\frac12", null));
    spark.createDataFrame(rows, schema).createOrReplaceTempView("responses");
  }

  @Test
  void rewardIsOneOnlyForFinishedCorrectBoxedAnswers() {
    Dataset<Row> scored =
        spark.sql(
            "SELECT id, orz_reward(response, ground_truth) AS r2,"
                + " orz_reward(response, ground_truth, finished) AS r3 FROM responses ORDER BY id");
    List<Row> rows = scored.collectAsList();
    assertThat(rows.stream().map(r -> r.getFloat(1)).toList()).containsExactly(1f, 0f, 1f, 0f, 0f, 0f, 1f);
    assertThat(rows.stream().map(r -> r.getFloat(2)).toList()).containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 1f);
  }

  @Test
  void extractAnswerVerifyAndReflectionPatterns() {
    List<Row> rows =
        spark.sql(
                "SELECT id, orz_extract_answer(response), orz_verify(ground_truth, orz_extract_answer(response)),"
                    + " orz_reflection_patterns(response) FROM responses ORDER BY id")
            .collectAsList();
    assertThat(rows.get(0).getString(1)).isEqualTo("\\frac{8}{2}");
    assertThat(rows.get(3).isNullAt(1)).isTrue();
    assertThat(rows.get(4).isNullAt(1)).isTrue();
    assertThat(rows.stream().map(r -> r.getBoolean(2)).toList())
        .containsExactly(true, false, true, false, false, false, true);
    assertThat(rows.get(0).getList(3)).isEmpty();
    assertThat(rows.get(1).getList(3)).containsExactly("retry");
    assertThat(rows.get(4).getList(3)).isEmpty();
  }

  @Test
  void rewardRejectsAWrongNumberOfArguments() {
    assertThatThrownBy(() -> spark.sql("SELECT orz_reward(response) FROM responses").collect())
        .hasMessageContaining("orz_reward takes");
  }
}
