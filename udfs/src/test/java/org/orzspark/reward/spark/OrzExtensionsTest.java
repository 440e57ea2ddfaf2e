package org.orzspark.reward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.SharedSpark;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * The functions from {@code spark.sql.extensions=org.orzspark.reward.spark.OrzExtensions}, without
 * {@link RewardUdfs#register}: a second session over the shared SparkContext, built with the
 * extension instantiated by name as Spark does for that setting (the setting itself is static and
 * read from the SparkContext's conf, which the shared context was started without).
 */
class OrzExtensionsTest {
  private static SparkSession shared;
  private static SparkSession spark;

  private static final String ROWS =
      "SELECT * FROM VALUES"
          + " (1, '<think>Wait, 2+2.</think> <answer>\\\\boxed{\\\\frac{8}{2}}</answer>', '4', true),"
          + " (2, '<answer>\\\\boxed{5}</answer>', '4', true),"
          + " (3, '<answer>\\\\boxed{4}</answer>', '\\\\boxed{4}', false),"
          + " (4, '4', '4', true),"
          + " (5, CAST(NULL AS STRING), '4', true),"
          + " (6, '<answer>\\\\boxed{4}</answer>', CAST(NULL AS STRING), CAST(NULL AS BOOLEAN)),"
          + " (7, '<answer>\\\\boxed{0.5}</answer>', '\\\\frac12', CAST(NULL AS BOOLEAN))"
          + " AS t(id, response, ground_truth, finished)";

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void sessionWithTheExtension() throws Exception {
    shared = SharedSpark.session();
    Function1<SparkSessionExtensions, BoxedUnit> extension =
        (Function1<SparkSessionExtensions, BoxedUnit>)
            Class.forName("org.orzspark.reward.spark.OrzExtensions").getConstructor().newInstance();
    spark = SparkSession.builder().withExtensions(extension).create();
    SparkSession.setActiveSession(spark);
    spark.sql(ROWS).createOrReplaceTempView("responses");
  }

  @AfterAll
  static void restoreTheSharedSession() {
    // Never stop it: that would stop the SparkContext every test shares.
    SparkSession.setDefaultSession(shared);
    SparkSession.setActiveSession(shared);
  }

  @Test
  void rewardAnswersBothAritiesWithoutRegister() {
    List<Row> rows =
        spark
            .sql(
                "SELECT orz_reward(response, ground_truth), orz_reward(response, ground_truth, finished)"
                    + " FROM responses ORDER BY id")
            .collectAsList();
    assertThat(rows.stream().map(r -> r.getFloat(0)).toList())
        .containsExactly(1f, 0f, 1f, 0f, 0f, 0f, 1f);
    assertThat(rows.stream().map(r -> r.getFloat(1)).toList())
        .containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 1f);
    assertThat(spark.catalog().functionExists("orz_reward")).isTrue();
  }

  @Test
  void theOtherFunctionsAreInjectedToo() {
    Row row =
        spark
            .sql(
                "SELECT orz_extract_answer(response), orz_verify(ground_truth, response),"
                    + " orz_reflection_patterns(response), orz_judge(response, ground_truth, finished).reward,"
                    + " orz_format_ok(response) FROM responses WHERE id = 1")
            .first();
    assertThat(row.getString(0)).isEqualTo("\\frac{8}{2}");
    assertThat(row.getBoolean(1)).isTrue();
    assertThat(row.getList(2)).isEmpty();
    assertThat(row.getFloat(3)).isEqualTo(1f);
    assertThat(row.getBoolean(4)).isFalse();
  }

  @Test
  void aWrongArityIsRefusedWithTheSignature() {
    assertThatThrownBy(() -> spark.sql("SELECT orz_reward(response) FROM responses").collect())
        .hasMessageContaining("orz_reward takes (response, ground_truth [, finished])");
  }

  @Test
  void registerStillWorksOnASessionWithTheExtension() {
    SparkSession other = spark.newSession();
    RewardUdfs.register(other);
    other.sql(ROWS).createOrReplaceTempView("responses");
    List<Row> rows =
        other
            .sql(
                "SELECT orz_reward(response, ground_truth), orz_reward(response, ground_truth, finished)"
                    + " FROM responses ORDER BY id")
            .collectAsList();
    assertThat(rows.stream().map(r -> r.getFloat(0)).toList())
        .containsExactly(1f, 0f, 1f, 0f, 0f, 0f, 1f);
    assertThat(rows.stream().map(r -> r.getFloat(1)).toList())
        .containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 1f);
  }
}
