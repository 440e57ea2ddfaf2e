package org.orzspark.reward.spark;

import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.classic.UserDefinedFunctionUtils$;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.orzspark.reward.verify.VerifyOptions;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.BoxedUnit;

/**
 * The {@code orz_*} SQL functions of {@link RewardUdfs} as a Spark session extension, so SQL,
 * PySpark and Spark Connect clients get them without calling {@link RewardUdfs#register}:
 *
 * <pre>
 * spark-submit --conf spark.sql.extensions=org.orzspark.reward.spark.OrzExtensions ...
 * pyspark --jars udfs.jar --conf spark.sql.extensions=org.orzspark.reward.spark.OrzExtensions
 * </pre>
 *
 * <p>Injected through {@link SparkSessionExtensions#injectFunction}, Spark's extension point for
 * functions: {@code orz_reward} with its two- and three-argument forms under one name, {@code
 * orz_extract_answer}, {@code orz_verify}, {@code orz_reflection_patterns}, {@code orz_judge},
 * {@code orz_format_ok}; same results and null semantics as {@link RewardUdfs}. Settings ({@value
 * RewardUdfs#TIMEOUT_MILLIS}, {@value RewardUdfs#PRECISION}, {@value
 * RewardUdfs#REFLECTION_CASE_INSENSITIVE}) are read on the driver from the session conf when a
 * query names the function. {@link RewardUdfs#register} in a session replaces them there.
 *
 * <p>An injected function builds a catalyst {@link Expression} from its argument expressions (the
 * extension point's contract); the one version-sensitive line, which turns a public {@link
 * UserDefinedFunction} into that expression, is {@link #expression}.
 */
public final class OrzExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

  /** Spark instantiates the class named in {@code spark.sql.extensions} with this constructor. */
  public OrzExtensions() {}

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    inject(
        extensions,
        "orz_reward",
        "_FUNC_(response, ground_truth [, finished]) - 1.0 when the finished response's last"
            + " <answer> box equals the ground truth, else 0.0 (null finished counts as finished).",
        children -> {
          VerifyOptions options = RewardUdfs.options(SparkSession.active());
          switch (children.size()) {
            case 2:
              return expression("orz_reward", RewardUdfs.reward(options), children);
            case 3:
              return expression("orz_reward", RewardUdfs.rewardIfFinished(options), children);
            default:
              throw new IllegalArgumentException(
                  "orz_reward takes (response, ground_truth [, finished]), got "
                      + children.size()
                      + " arguments");
          }
        });
    injectFixed(
        extensions,
        "orz_extract_answer",
        1,
        "_FUNC_(response) - the boxed answer of the last <answer> block, or null.",
        session -> RewardUdfs.extractAnswer());
    injectFixed(
        extensions,
        "orz_verify",
        2,
        "_FUNC_(gold, pred) - Math-Verify-style equivalence; false when either is null.",
        session -> RewardUdfs.verify(RewardUdfs.options(session)));
    injectFixed(
        extensions,
        "orz_reflection_patterns",
        1,
        "_FUNC_(response) - the reflection patterns found in the response.",
        session -> RewardUdfs.reflectionPatterns(RewardUdfs.caseInsensitive(session)));
    injectFixed(
        extensions,
        "orz_judge",
        3,
        "_FUNC_(response, ground_truth, finished) - struct<reward, reason>: the reward and why it is 0"
            + " for a technical cause.",
        session -> RewardUdfs.judge(RewardUdfs.options(session)));
    injectFixed(
        extensions,
        "orz_format_ok",
        1,
        "_FUNC_(response) - whether the response follows the ORZ answer format.",
        session -> RewardUdfs.formatOk());
    return BoxedUnit.UNIT;
  }

  private static void injectFixed(
      SparkSessionExtensions extensions,
      String name,
      int arity,
      String usage,
      Function<SparkSession, UserDefinedFunction> udf) {
    inject(
        extensions,
        name,
        usage,
        children -> {
          if (children.size() != arity) {
            throw new IllegalArgumentException(
                name
                    + " takes "
                    + arity
                    + " argument"
                    + (arity == 1 ? "" : "s")
                    + ", got "
                    + children.size());
          }
          return expression(name, udf.apply(SparkSession.active()), children);
        });
  }

  private static void inject(
      SparkSessionExtensions extensions,
      String name,
      String usage,
      Function1<Seq<Expression>, Expression> builder) {
    ExpressionInfo info =
        new ExpressionInfo(
            OrzExtensions.class.getName(), null, name, usage, "", "", "", "", "", "", "java_udf");
    extensions.injectFunction(new Tuple3<>(new FunctionIdentifier(name), info, builder));
  }

  /** The expression Spark itself builds for a registered UDF ({@code spark.udf().register}). */
  private static Expression expression(
      String name, UserDefinedFunction udf, Seq<Expression> children) {
    return UserDefinedFunctionUtils$.MODULE$.toScalaUDF(
        (SparkUserDefinedFunction) udf.withName(name), children);
  }
}
