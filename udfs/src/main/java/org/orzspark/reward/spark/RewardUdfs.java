package org.orzspark.reward.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.reward.OrzReward;
import org.orzspark.reward.ReflectionPatterns;
import org.orzspark.reward.ResponseFormat;
import org.orzspark.reward.extract.ExtractionConfig;
import org.orzspark.reward.extract.OrzAnswerExtractor;
import org.orzspark.reward.verify.MathVerifier;
import org.orzspark.reward.verify.Verdict;
import org.orzspark.reward.verify.VerifyOptions;

/**
 * The reward as Spark SQL functions. {@link #register} adds, for SQL and {@code
 * functions.call_udf}:
 *
 * <ul>
 *   <li>{@code orz_reward(response, ground_truth [, finished]) -> float}: 1.0 or 0.0 (see {@link
 *       OrzReward}). A null response, a null ground truth or {@code finished = false} give 0.0; a
 *       null {@code finished} counts as finished (files without the column).
 *   <li>{@code orz_extract_answer(response) -> string}: the boxed answer of the last {@code
 *       <answer>} block; null when there is none or the response is null.
 *   <li>{@code orz_verify(gold, pred) -> boolean}: Math-Verify-style, both strings extracted the
 *       same way; false when either is null. Never null.
 *   <li>{@code orz_reflection_patterns(response) -> array<string>}: the reflection patterns that
 *       occur ({@link ReflectionPatterns#NAMES}); empty for a null response.
 *   <li>{@code orz_judge(response, ground_truth, finished) -> struct<reward, reason>}: the reward
 *       with the verifier's reason code when it is 0 for a technical cause (timeout, parse error).
 *   <li>{@code orz_format_ok(response) -> boolean}: well-formed ORZ answer format ({@link
 *       ResponseFormat}).
 * </ul>
 *
 * Settings, read once on the driver from the session conf (executors get plain values): {@value
 * #TIMEOUT_MILLIS} (default {@value VerifyOptions#TIMEOUT_MILLIS_DEFAULT}), {@value #PRECISION}
 * (default {@value VerifyOptions#PRECISION_DEFAULT}), {@value #REFLECTION_CASE_INSENSITIVE}
 * (default false: the reference code's case-sensitive regexes). Every function is total: model text
 * cannot make it throw or run past its time limit.
 *
 * <p>Only public API: the one-arity functions through {@code spark.udf().register}; {@code
 * orz_reward}, one name with two arities, as a temporary SQL function over {@code orz_judge} whose
 * {@code finished} parameter defaults to true ({@code CREATE TEMPORARY FUNCTION ... DEFAULT true}),
 * so both forms resolve in SQL, in {@code functions.call_function} and over Spark Connect. SQL and
 * PySpark users get the same functions without calling {@code register} by starting Spark with
 * {@code spark.sql.extensions=}{@link OrzExtensions}.
 */
public final class RewardUdfs {
  public static final String TIMEOUT_MILLIS = "spark.orz.reward.timeoutMillis";
  public static final String PRECISION = "spark.orz.reward.precision";
  public static final String REFLECTION_CASE_INSENSITIVE =
      "spark.orz.reward.reflectionCaseInsensitive";

  private RewardUdfs() {}

  /** Registers the functions on the session, configured from its conf (outside a training run). */
  public static void register(SparkSession spark) {
    register(spark, options(spark));
  }

  /**
   * Registers the functions with the given verifier options; a training run passes its own {@code
   * reward.verify_timeout_s} here, so the session conf's {@value #TIMEOUT_MILLIS} is not a second
   * setting for it. Replaces earlier registrations (and {@link OrzExtensions}' functions) in this
   * session only.
   */
  public static void register(SparkSession spark, VerifyOptions options) {
    spark.udf().register("orz_extract_answer", extractAnswer());
    spark.udf().register("orz_verify", verify(options));
    spark.udf().register("orz_reflection_patterns", reflectionPatterns(caseInsensitive(spark)));
    spark.udf().register("orz_judge", judge(options));
    spark.udf().register("orz_format_ok", formatOk());
    // One name, two arities: Spark's public registration keeps one signature per name, so the
    // two-argument form is the three-argument one with finished defaulting to true. orz_judge's
    // reward is OrzReward.score (same verification, same null semantics). Dropped first: Spark
    // replaces a function by a SQL function only if it is one (OrzExtensions' is not).
    spark.sql("DROP TEMPORARY FUNCTION IF EXISTS orz_reward");
    spark.sql(
        "CREATE OR REPLACE TEMPORARY FUNCTION orz_reward("
            + "response STRING, ground_truth STRING, finished BOOLEAN DEFAULT true)"
            + " RETURNS FLOAT RETURN orz_judge(response, ground_truth, finished).reward");
  }

  /** The verifier options of the session conf ({@value #TIMEOUT_MILLIS}, {@value #PRECISION}). */
  public static VerifyOptions options(SparkSession spark) {
    return VerifyOptions.DEFAULTS
        .withTimeoutMillis(
            Long.parseLong(
                spark
                    .conf()
                    .get(TIMEOUT_MILLIS, String.valueOf(VerifyOptions.TIMEOUT_MILLIS_DEFAULT))))
        .withPrecision(
            Integer.parseInt(
                spark.conf().get(PRECISION, String.valueOf(VerifyOptions.PRECISION_DEFAULT))));
  }

  /** {@value #REFLECTION_CASE_INSENSITIVE} of the session conf (default false). */
  public static boolean caseInsensitive(SparkSession spark) {
    return Boolean.parseBoolean(spark.conf().get(REFLECTION_CASE_INSENSITIVE, "false"));
  }

  /** The field of {@link #JUDGEMENT} holding the reward. */
  public static final String JUDGEMENT_REWARD = "reward";

  /** The field of {@link #JUDGEMENT} holding the reason code (null when verified normally). */
  public static final String JUDGEMENT_REASON = "reason";

  /** The struct {@code orz_judge} returns: the reward and, when 0 for a technical cause, why. */
  public static final StructType JUDGEMENT =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField(JUDGEMENT_REWARD, DataTypes.FloatType, false),
              DataTypes.createStructField(JUDGEMENT_REASON, DataTypes.StringType, true)));

  /**
   * {@code orz_judge(response, ground_truth, finished)}: the reward and its reason code in one
   * verification (see {@link OrzReward#judge}).
   */
  public static UserDefinedFunction judge(VerifyOptions options) {
    return functions.udf(
        (UDF3<String, String, Boolean, Row>)
            (response, truth, finished) -> {
              Verdict verdict =
                  truth == null
                      ? Verdict.failed(Verdict.NO_GOLD)
                      : OrzReward.judge(response, truth, finished == null || finished, options);
              return RowFactory.create(verdict.equal() ? 1f : 0f, verdict.reason());
            },
        JUDGEMENT);
  }

  /** {@code orz_format_ok(response) -> boolean}: see {@link ResponseFormat}; false for null. */
  public static UserDefinedFunction formatOk() {
    return functions.udf(
        (UDF1<String, Boolean>) ResponseFormat::isWellFormed, DataTypes.BooleanType);
  }

  /** {@code orz_reward(response, ground_truth)}. */
  public static UserDefinedFunction reward(VerifyOptions options) {
    return functions.udf(
        (UDF2<String, String, Float>)
            (response, truth) -> OrzReward.score(response, truth, true, options),
        DataTypes.FloatType);
  }

  /** {@code orz_reward(response, ground_truth, finished)}. */
  public static UserDefinedFunction rewardIfFinished(VerifyOptions options) {
    return functions.udf(
        (UDF3<String, String, Boolean, Float>)
            (response, truth, finished) ->
                OrzReward.score(response, truth, finished == null || finished, options),
        DataTypes.FloatType);
  }

  public static UserDefinedFunction extractAnswer() {
    return functions.udf(
        (UDF1<String, String>) OrzAnswerExtractor::fromResponse, DataTypes.StringType);
  }

  public static UserDefinedFunction verify(VerifyOptions options) {
    return functions.udf(
        (UDF2<String, String, Boolean>)
            (gold, pred) ->
                gold != null
                    && pred != null
                    && MathVerifier.verify(gold, pred, ExtractionConfig.DEFAULTS, options).equal(),
        DataTypes.BooleanType);
  }

  public static UserDefinedFunction reflectionPatterns(boolean caseInsensitive) {
    return functions.udf(
        (UDF1<String, List<String>>) response -> ReflectionPatterns.find(response, caseInsensitive),
        DataTypes.createArrayType(DataTypes.StringType, false));
  }
}
