package org.orzspark.run;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the run directory's Parquet tables. They are the contract with everything that reads
 * a run (analysis, evaluation, notebooks, DuckDB): columns are only ever added, never renamed.
 *
 * <p>{@code iteration} is a Hive-style partition column: it is the folder name
 * ({@code iteration=7/}), not a column inside the files, so reading {@code R/rollouts} (Spark, or
 * DuckDB with {@code hive_partitioning}) yields it as an integer column.
 */
public final class RunTables {
  private RunTables() {}

  /**
   * {@code R/rollouts/iteration=N/}: one row per generated response, scored.
   *
   * <ul>
   *   <li>{@code iteration} (partition): the iteration whose rollout produced it (its policy is
   *       checkpoint {@code iteration - 1});
   *   <li>{@code prompt_id}, {@code sample_index}: the row's identity; with the run seed they fix
   *       every random draw of the sample;
   *   <li>{@code question}, {@code ground_truth}: from the prompt set;
   *   <li>{@code prompt_token_ids}, {@code response_token_ids}, {@code response}: what the policy saw
   *       and wrote (token ids and decoded text);
   *   <li>{@code sampling_logprobs}: log-probability of each response token under the sampling
   *       distribution (after temperature/top-p/top-k);
   *   <li>{@code finish_reason}: {@code stop} (EOS or a stop string) or {@code length};
   *   <li>{@code response_length}: response tokens;
   *   <li>{@code reward}: 1.0 or 0.0 (binary ORZ reward; 0 when cut off by length);
   *   <li>{@code extracted_answer}: the last {@code \boxed{}} of the last {@code <answer>} block, or
   *       null;
   *   <li>{@code verify_reason}: null when the verifier answered normally, else why it could not
   *       (timeout, parse failure, ...);
   *   <li>{@code format_ok}: well-formed {@code <think>…</think> <answer>…</answer>};
   *   <li>{@code reflection_patterns}: the reflection patterns the response contains.
   * </ul>
   */
  public static final StructType ROLLOUTS =
      withFields(
          RunTables.generated(),
          List.of(
              createStructField("reward", FloatType, true),
              createStructField("extracted_answer", StringType, true),
              createStructField("verify_reason", StringType, true),
              createStructField("format_ok", BooleanType, true),
              createStructField("reflection_patterns", createArrayType(StringType, false), true)));

  /** The rollout stage's rows before scoring: the first columns of {@link #ROLLOUTS}. */
  public static final StructType GENERATED = generated();

  private static StructType generated() {
    return createStructType(
          List.of(
              createStructField("prompt_id", StringType, false),
              createStructField("sample_index", IntegerType, false),
              createStructField("question", StringType, false),
              createStructField("ground_truth", StringType, false),
              createStructField("prompt_token_ids", createArrayType(IntegerType, false), false),
              createStructField("response_token_ids", createArrayType(IntegerType, false), false),
              createStructField("response", StringType, false),
              createStructField("sampling_logprobs", createArrayType(FloatType, false), false),
              createStructField("finish_reason", StringType, false),
              createStructField("response_length", IntegerType, false)));
  }

  private static StructType withFields(StructType base, List<org.apache.spark.sql.types.StructField> more) {
    StructType out = base;
    for (var field : more) {
      out = out.add(field);
    }
    return out;
  }

  /**
   * {@code R/experience/iteration=N/}: one row per response, the PPO training data.
   *
   * <ul>
   *   <li>{@code token_ids}: prompt followed by response;
   *   <li>{@code prompt_length}, {@code response_length}: split of {@code token_ids};
   *   <li>{@code reward}: the scalar reward, placed on the last response token;
   *   <li>{@code old_logprobs}, {@code values}, {@code returns}, {@code advantages}: per response
   *       token (length {@code response_length}); log-probs of the policy that generated, critic
   *       values, GAE returns, and GAE advantages normalised over all response tokens of the
   *       iteration.
   * </ul>
   */
  public static final StructType EXPERIENCE =
      createStructType(
          List.of(
              createStructField("prompt_id", StringType, false),
              createStructField("sample_index", IntegerType, false),
              createStructField("token_ids", createArrayType(IntegerType, false), false),
              createStructField("prompt_length", IntegerType, false),
              createStructField("response_length", IntegerType, false),
              createStructField("reward", FloatType, false),
              createStructField("old_logprobs", createArrayType(FloatType, false), false),
              createStructField("values", createArrayType(FloatType, false), false),
              createStructField("returns", createArrayType(FloatType, false), false),
              createStructField("advantages", createArrayType(FloatType, false), false)));
}
