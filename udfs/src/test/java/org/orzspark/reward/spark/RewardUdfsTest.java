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
            RowFactory.create(
                1, "<think>Wait, 2+2.</think> <answer>\\boxed{\\frac{8}{2}}</answer>", "4", true),
            RowFactory.create(2, "<think>retry</think> <answer>\\boxed{5}</answer>", "4", true),
            RowFactory.create(
                3, "<think>4</think> <answer>\\boxed{4}</answer>", "\\boxed{4}", false),
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
    assertThat(rows.stream().map(r -> r.getFloat(1)).toList())
        .containsExactly(1f, 0f, 1f, 0f, 0f, 0f, 1f);
    assertThat(rows.stream().map(r -> r.getFloat(2)).toList())
        .containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 1f);
  }

  @Test
  void extractAnswerVerifyAndReflectionPatterns() {
    List<Row> rows =
        spark
            .sql(
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
  void judgeGivesTheRewardWithItsReasonAndFormatOkTheFormatFlag() {
    List<Row> rows =
        spark
            .sql(
                "SELECT id, orz_judge(response, ground_truth, finished) AS j, orz_format_ok(response)"
                    + " FROM responses ORDER BY id")
            .collectAsList();
    assertThat(rows.stream().map(r -> r.getStruct(1).getFloat(0)).toList())
        .containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 1f);
    assertThat(rows.get(1).getStruct(1).isNullAt(1))
        .as("a wrong answer is no technical failure")
        .isTrue();
    assertThat(rows.get(3).getStruct(1).getString(1)).isEqualTo("no-answer");
    assertThat(rows.get(5).getStruct(1).getString(1)).isEqualTo("no-gold");
    assertThat(rows.stream().map(r -> r.getBoolean(2)).toList())
        .as("the template opens <think>: a response that opens it again is malformed")
        .containsOnly(false);
    assertThat(
            spark
                .sql("SELECT orz_format_ok(' 4 </think> <answer> \\\\boxed{4} </answer>')")
                .first()
                .getBoolean(0))
        .isTrue();
  }

  @Test
  void hostileResponsesScoreZeroWithoutFailingTheQuery() {
    StructType schema =
        new StructType()
            .add("response", DataTypes.StringType, true)
            .add("ground_truth", DataTypes.StringType, true);
    List<String> hostile =
        List.of(
            "<answer>\\boxed{10^{10^{10}}}</answer>",
            "<answer>\\boxed{" + "{".repeat(3000) + "}</answer>",
            "<answer>\\boxed{" + "\\sqrt{".repeat(200) + "2" + "}".repeat(200) + "}</answer>",
            "<answer>\\boxed{\u0000\u0001\t\f}</answer>",
            "<answer>\\boxed{" + "x".repeat(1_000_000) + "}</answer>");
    List<Row> rows = hostile.stream().map(r -> RowFactory.create(r, "5")).toList();
    spark.createDataFrame(rows, schema).createOrReplaceTempView("hostile");
    List<Row> out =
        spark
            .sql(
                "SELECT orz_reward(response, ground_truth), orz_verify(ground_truth, response),"
                    + " orz_judge(response, ground_truth, true), size(orz_reflection_patterns(response)),"
                    + " length(orz_extract_answer(response)) FROM hostile")
            .collectAsList();
    assertThat(out).hasSize(hostile.size());
    assertThat(out)
        .allSatisfy(
            r -> {
              assertThat(r.getFloat(0)).isZero();
              assertThat(r.getBoolean(1)).isFalse();
              assertThat(r.getStruct(2).getFloat(0)).isZero();
            });
    assertThat(out.get(0).getStruct(2).getString(1)).isEqualTo("too-large");
  }

  @Test
  void reflectionCaseInsensitivityAndTimeoutComeFromTheSessionConf() {
    SparkSession other = spark.newSession();
    other.conf().set(RewardUdfs.REFLECTION_CASE_INSENSITIVE, "true");
    other.conf().set(RewardUdfs.TIMEOUT_MILLIS, "1");
    RewardUdfs.register(other);
    String text = "'Wait, However, RETRY <answer>\\\\boxed{\\\\sin^2 x+\\\\cos^2 x}</answer>'";
    Row row =
        other
            .sql("SELECT orz_reflection_patterns(" + text + "), orz_judge(" + text + ", '1', true)")
            .first();
    assertThat(row.getList(0)).containsExactly("wait,", "retry", "however,");
    assertThat(row.getStruct(1).getString(1))
        .as("a 1 ms budget cannot reach the CAS")
        .isEqualTo("timeout");
    assertThat(spark.sql("SELECT orz_reflection_patterns(" + text + ")").first().getList(0))
        .as("the shared session keeps the reference's case-sensitive default")
        .isEmpty();
  }

  @Test
  void rewardWorksFromTheColumnApiWithBothArities() {
    List<Row> rows =
        spark
            .table("responses")
            .orderBy("id")
            .select(
                org.apache.spark.sql.functions.call_function(
                    "orz_reward",
                    org.apache.spark.sql.functions.col("response"),
                    org.apache.spark.sql.functions.col("ground_truth")),
                org.apache.spark.sql.functions.call_function(
                    "orz_reward",
                    org.apache.spark.sql.functions.col("response"),
                    org.apache.spark.sql.functions.col("ground_truth"),
                    org.apache.spark.sql.functions.col("finished")))
            .collectAsList();
    assertThat(rows.stream().map(r -> r.getFloat(0)).toList())
        .containsExactly(1f, 0f, 1f, 0f, 0f, 0f, 1f);
    assertThat(rows.stream().map(r -> r.getFloat(1)).toList())
        .containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 1f);
  }

  @Test
  void rewardRejectsAWrongNumberOfArguments() {
    assertThatThrownBy(() -> spark.sql("SELECT orz_reward(response) FROM responses").collect())
        .hasMessageContaining("orz_reward")
        .hasMessageContaining("WRONG_NUM_ARGS");
  }
}
