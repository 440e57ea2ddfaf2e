package org.orzspark.run;

import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.orzspark.train.ExperienceRow;
import org.orzspark.train.ScoredResponse;

/**
 * {@code R/experience/iteration=N/}: one row per response, the PPO training data. This class owns
 * its column names and its row writer and reader; columns are only ever added, never renamed.
 *
 * <ul>
 *   <li>{@value #PROMPT_ID}, {@value #SAMPLE_INDEX}: the row's identity (as in the rollouts);
 *   <li>{@value #TOKEN_IDS}: prompt followed by response;
 *   <li>{@value #PROMPT_LENGTH}, {@value #RESPONSE_LENGTH}: split of {@value #TOKEN_IDS};
 *   <li>{@value #REWARD}: the scalar reward, placed on the last response token;
 *   <li>{@value #OLD_LOGPROBS}, {@value #VALUES}, {@value #RETURNS}, {@value #ADVANTAGES}: per
 *       response token (length {@value #RESPONSE_LENGTH}); log-probs of the policy that generated,
 *       critic values, GAE returns, and GAE advantages normalised over all response tokens of the
 *       iteration.
 * </ul>
 */
public final class ExperienceTable {
  public static final String PROMPT_ID = "prompt_id";
  public static final String SAMPLE_INDEX = "sample_index";
  public static final String TOKEN_IDS = "token_ids";
  public static final String PROMPT_LENGTH = "prompt_length";
  public static final String RESPONSE_LENGTH = "response_length";
  public static final String REWARD = "reward";
  public static final String OLD_LOGPROBS = "old_logprobs";
  public static final String VALUES = "values";
  public static final String RETURNS = "returns";
  public static final String ADVANTAGES = "advantages";

  public static final StructType SCHEMA =
      new StructType()
          .add(PROMPT_ID, StringType, false)
          .add(SAMPLE_INDEX, IntegerType, false)
          .add(TOKEN_IDS, createArrayType(IntegerType, false), false)
          .add(PROMPT_LENGTH, IntegerType, false)
          .add(RESPONSE_LENGTH, IntegerType, false)
          .add(REWARD, FloatType, false)
          .add(OLD_LOGPROBS, createArrayType(FloatType, false), false)
          .add(VALUES, createArrayType(FloatType, false), false)
          .add(RETURNS, createArrayType(FloatType, false), false)
          .add(ADVANTAGES, createArrayType(FloatType, false), false);

  private ExperienceTable() {}

  /** The row of {@link #SCHEMA} for {@code row}. */
  public static Row toRow(ExperienceRow row) {
    ScoredResponse r = row.response();
    return new NamedRow(SCHEMA)
        .set(PROMPT_ID, r.promptId())
        .set(SAMPLE_INDEX, r.sampleIndex())
        .set(TOKEN_IDS, r.tokens())
        .set(PROMPT_LENGTH, r.promptLength())
        .set(RESPONSE_LENGTH, r.responseLength())
        .set(REWARD, r.reward())
        .set(OLD_LOGPROBS, row.oldLogProbs())
        .set(VALUES, row.values())
        .set(RETURNS, row.returns())
        .set(ADVANTAGES, row.advantages())
        .build();
  }

  /** A row of {@link #SCHEMA} (columns looked up by name) as the trainer's host-side row. */
  public static ExperienceRow fromRow(Row row) {
    List<Integer> tokenList = row.getList(row.fieldIndex(TOKEN_IDS));
    int[] tokens = tokenList.stream().mapToInt(Integer::intValue).toArray();
    ScoredResponse response =
        new ScoredResponse(
            row.getAs(PROMPT_ID),
            row.<Integer>getAs(SAMPLE_INDEX),
            tokens,
            row.<Integer>getAs(PROMPT_LENGTH),
            row.<Float>getAs(REWARD));
    return new ExperienceRow(
        response,
        floats(row, OLD_LOGPROBS),
        floats(row, VALUES),
        floats(row, RETURNS),
        floats(row, ADVANTAGES));
  }

  private static float[] floats(Row row, String column) {
    List<Float> values = row.getList(row.fieldIndex(column));
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
