package org.orzspark.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.orzspark.train.ScoredResponse;

/**
 * The rollout tables: the rollout stage's generated rows ({@link #GENERATED}) and, once scored,
 * {@code R/rollouts/iteration=N/} ({@link #ROLLOUTS}). They are the contract with everything that
 * reads a run (analysis, evaluation, notebooks, DuckDB): columns are only ever added, never
 * renamed. This class owns their column names and their row writer and readers.
 *
 * <p>{@value #ITERATION} is a Hive-style partition column: it is the folder name ({@code
 * iteration=7/}), not a column inside the files, so reading {@code R/rollouts} (Spark, or DuckDB
 * with {@code hive_partitioning}) yields it as an integer column.
 *
 * <ul>
 *   <li>{@value #ITERATION} (partition): the iteration whose rollout produced it (its policy is
 *       checkpoint {@code iteration - 1});
 *   <li>{@value #PROMPT_ID}, {@value #SAMPLE_INDEX}: the row's identity; with the run seed they fix
 *       every random draw of the sample;
 *   <li>{@value #QUESTION}, {@value #GROUND_TRUTH}: from the prompt set;
 *   <li>{@value #PROMPT_TOKEN_IDS}, {@value #RESPONSE_TOKEN_IDS}, {@value #RESPONSE}: what the
 *       policy saw and wrote (token ids and decoded text);
 *   <li>{@value #SAMPLING_LOGPROBS}: log-probability of each response token under the sampling
 *       distribution (after temperature/top-p/top-k);
 *   <li>{@value #FINISH_REASON}: {@value #FINISH_STOP} (EOS or a stop string) or {@value
 *       #FINISH_LENGTH};
 *   <li>{@value #RESPONSE_LENGTH}: response tokens;
 *   <li>{@value #POLICY_DIGEST}, {@value #GENERATION_SEED}, {@value #ROLLOUT_TASK}, {@value
 *       #WORK_UNIT}: the row's {@link Origin}, what {@code orz replay} needs to regenerate it (null
 *       in rows written before they existed);
 *   <li>{@value #REWARD}: 1.0 or 0.0 (binary ORZ reward; 0 when cut off by length);
 *   <li>{@value #EXTRACTED_ANSWER}: the last {@code \boxed{}} of the last {@code <answer>} block,
 *       or null;
 *   <li>{@value #VERIFY_REASON}: null when the verifier answered normally, else why it could not
 *       (timeout, parse failure, ...);
 *   <li>{@value #FORMAT_OK}: well-formed {@code <think>…</think> <answer>…</answer>};
 *   <li>{@value #REFLECTION_PATTERNS}: the reflection patterns the response contains.
 * </ul>
 */
public final class RolloutTable {
  public static final String ITERATION = "iteration";
  public static final String PROMPT_ID = "prompt_id";
  public static final String SAMPLE_INDEX = "sample_index";
  public static final String QUESTION = "question";
  public static final String GROUND_TRUTH = "ground_truth";
  public static final String PROMPT_TOKEN_IDS = "prompt_token_ids";
  public static final String RESPONSE_TOKEN_IDS = "response_token_ids";
  public static final String RESPONSE = "response";
  public static final String SAMPLING_LOGPROBS = "sampling_logprobs";
  public static final String FINISH_REASON = "finish_reason";
  public static final String RESPONSE_LENGTH = "response_length";
  public static final String REWARD = "reward";
  public static final String EXTRACTED_ANSWER = "extracted_answer";
  public static final String VERIFY_REASON = "verify_reason";
  public static final String FORMAT_OK = "format_ok";
  public static final String REFLECTION_PATTERNS = "reflection_patterns";
  public static final String POLICY_DIGEST = "policy_digest";
  public static final String GENERATION_SEED = "generation_seed";
  public static final String ROLLOUT_TASK = "rollout_task";
  public static final String WORK_UNIT = "work_unit";

  /** {@value #FINISH_REASON} of a response that stopped (EOS or a stop string). */
  public static final String FINISH_STOP = "stop";

  /** {@value #FINISH_REASON} of a response cut off by the length limit. */
  public static final String FINISH_LENGTH = "length";

  /** The reward at or above which a response counts as correct (the reward is 0 or 1). */
  public static final float CORRECT_REWARD = 0.5f;

  /** The rollout stage's rows before scoring: the first columns of {@link #ROLLOUTS}. */
  public static final StructType GENERATED =
      new StructType()
          .add(PROMPT_ID, StringType, false)
          .add(SAMPLE_INDEX, IntegerType, false)
          .add(QUESTION, StringType, false)
          .add(GROUND_TRUTH, StringType, false)
          .add(PROMPT_TOKEN_IDS, createArrayType(IntegerType, false), false)
          .add(RESPONSE_TOKEN_IDS, createArrayType(IntegerType, false), false)
          .add(RESPONSE, StringType, false)
          .add(SAMPLING_LOGPROBS, createArrayType(FloatType, false), false)
          .add(FINISH_REASON, StringType, false)
          .add(RESPONSE_LENGTH, IntegerType, false)
          .add(POLICY_DIGEST, StringType, true)
          .add(GENERATION_SEED, LongType, true)
          .add(ROLLOUT_TASK, IntegerType, true)
          .add(WORK_UNIT, IntegerType, true);

  /** The {@link Origin} columns, to select before collecting a row's origin. */
  public static final List<String> ORIGIN_COLUMNS =
      List.of(POLICY_DIGEST, GENERATION_SEED, ROLLOUT_TASK, WORK_UNIT);

  /** {@code R/rollouts/iteration=N/}: one row per generated response, scored. */
  public static final StructType ROLLOUTS =
      GENERATED
          .add(REWARD, FloatType, true)
          .add(EXTRACTED_ANSWER, StringType, true)
          .add(VERIFY_REASON, StringType, true)
          .add(FORMAT_OK, BooleanType, true)
          .add(REFLECTION_PATTERNS, createArrayType(StringType, false), true);

  /** The scoring columns {@link #ROLLOUTS} adds to {@link #GENERATED}, in order. */
  public static final List<String> SCORE_COLUMNS =
      List.of(REWARD, EXTRACTED_ANSWER, VERIFY_REASON, FORMAT_OK, REFLECTION_PATTERNS);

  private RolloutTable() {}

  /** Whether a row's reward counts as correct: at or above {@link #CORRECT_REWARD}. */
  public static Column correct() {
    return col(REWARD).geq(CORRECT_REWARD);
  }

  /**
   * One generated response: a row of {@link #GENERATED}.
   *
   * @param responseTokenIds response token ids; {@value #RESPONSE_LENGTH} is their count
   */
  public record Generated(
      String promptId,
      int sampleIndex,
      String question,
      String groundTruth,
      int[] promptTokenIds,
      int[] responseTokenIds,
      String response,
      float[] samplingLogprobs,
      String finishReason) {}

  /**
   * Where a generated row came from. Its tokens are a function of the policy, the seed coordinates
   * (generation seed, prompt id, sample index) and, through float rounding only, of the sequences
   * batched with it: the rollout task's work units, in plan order.
   *
   * @param policyDigest {@link PolicyDigest} of the policy that sampled it (null: not a checkpoint)
   * @param generationSeed the seed of the iteration's draws (derived from the run seed and the
   *     iteration); with prompt id, sample index and token position it fixes every draw
   * @param rolloutTask the rollout task (Spark partition) that generated it: all rows with the same
   *     task were generated together, and replaying one re-runs them all
   * @param workUnit the index, in the iteration's plan, of its work unit (a prompt with a block of
   *     its samples); a task generates its units in this order
   */
  public record Origin(String policyDigest, long generationSeed, int rolloutTask, int workUnit)
      implements Serializable {}

  /** The row of {@link #GENERATED} for {@code g}, without an origin. */
  public static Row toRow(Generated g) {
    return toRow(g, null);
  }

  /**
   * The row of {@link #GENERATED} for {@code g} generated as {@code origin} says (null: unknown).
   */
  public static Row toRow(Generated g, Origin origin) {
    return new NamedRow(GENERATED)
        .set(POLICY_DIGEST, origin == null ? null : origin.policyDigest())
        .set(GENERATION_SEED, origin == null ? null : origin.generationSeed())
        .set(ROLLOUT_TASK, origin == null ? null : origin.rolloutTask())
        .set(WORK_UNIT, origin == null ? null : origin.workUnit())
        .set(PROMPT_ID, g.promptId())
        .set(SAMPLE_INDEX, g.sampleIndex())
        .set(QUESTION, g.question())
        .set(GROUND_TRUTH, g.groundTruth())
        .set(PROMPT_TOKEN_IDS, g.promptTokenIds())
        .set(RESPONSE_TOKEN_IDS, g.responseTokenIds())
        .set(RESPONSE, g.response())
        .set(SAMPLING_LOGPROBS, g.samplingLogprobs())
        .set(FINISH_REASON, g.finishReason())
        .set(RESPONSE_LENGTH, g.responseTokenIds().length)
        .build();
  }

  /**
   * The origin of a row holding {@link #ORIGIN_COLUMNS} (read by name), or empty when the row was
   * written before origins were recorded (or the columns are missing from its files).
   */
  public static Optional<Origin> origin(Row row) {
    for (String column : List.of(GENERATION_SEED, ROLLOUT_TASK, WORK_UNIT)) {
      if (!List.of(row.schema().fieldNames()).contains(column)
          || row.isNullAt(row.fieldIndex(column))) {
        return Optional.empty();
      }
    }
    return Optional.of(
        new Origin(
            row.getAs(POLICY_DIGEST),
            row.<Long>getAs(GENERATION_SEED),
            row.<Integer>getAs(ROLLOUT_TASK),
            row.<Integer>getAs(WORK_UNIT)));
  }

  /** The columns {@link #scoredResponse} reads, to select before shipping rows to executors. */
  public static Column[] scoredResponseColumns() {
    return new Column[] {
      col(PROMPT_ID), col(SAMPLE_INDEX), col(PROMPT_TOKEN_IDS), col(RESPONSE_TOKEN_IDS), col(REWARD)
    };
  }

  /**
   * A scored rollout row (any columns of {@link #ROLLOUTS} that include {@link
   * #scoredResponseColumns()}, read by name) as the experience stage's response: prompt tokens
   * followed by response tokens, and the reward.
   */
  public static ScoredResponse scoredResponse(Row row) {
    List<Integer> prompt = row.getList(row.fieldIndex(PROMPT_TOKEN_IDS));
    List<Integer> response = row.getList(row.fieldIndex(RESPONSE_TOKEN_IDS));
    int[] tokens = new int[prompt.size() + response.size()];
    for (int i = 0; i < prompt.size(); i++) {
      tokens[i] = prompt.get(i);
    }
    for (int i = 0; i < response.size(); i++) {
      tokens[prompt.size() + i] = response.get(i);
    }
    return new ScoredResponse(
        row.getAs(PROMPT_ID),
        row.<Integer>getAs(SAMPLE_INDEX),
        tokens,
        prompt.size(),
        row.<Float>getAs(REWARD));
  }
}
