package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.model.CriticModel;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.run.RolloutTable;
import org.orzspark.testing.SharedSpark;
import org.orzspark.train.ExperienceRow;
import org.orzspark.train.MicroBatches;
import org.orzspark.train.ScoredResponse;

/**
 * An experience task's output does not depend on the order its partition's rows arrive in (shuffle
 * fetch order, a retried task, another executor): the same 16 rollout rows, fed in two orders into
 * the task, give bit-identical experience rows, in the same (canonical) order. The micro-batches
 * hold about three sequences and many rows have equal lengths, so the arrival order decides which
 * rows share a batch and how far each is padded (asserted first): without the canonical sort at the
 * task's entry, the log-probabilities and values differ in their last bits, and the partition's
 * advantage statistics are summed in another order.
 */
class ExperienceOrderTest {
  /** Tokens per micro-batch: three rows of about ten tokens. */
  private static final int MICRO_BATCH_TOKENS = 33;

  private static final int[] PROMPT_LENGTHS = {6, 6, 9, 4};
  private static final int[] RESPONSE_LENGTHS = {4, 5, 4, 7};

  @Test
  void rowsInAnyOrderGiveBitIdenticalExperienceInCanonicalOrder(@TempDir Path dir)
      throws Exception {
    Path policy = MicroRuns.base(dir.resolve("policy"));
    Path critic = dir.resolve("critic");
    try (NDManager manager = NDManager.newBaseManager();
        CriticModel model = CriticModel.load(policy, manager, ValueHeadInit.DEFAULT, 3)) {
      model.save(critic);
    }
    ExperienceStage.Task task =
        new ExperienceStage.Task(
            policy.toString(),
            critic.toString(),
            new ExperienceSettings(MICRO_BATCH_TOKENS, true, 1.0, 0.95, 0));
    List<Row> arrived = rolloutRows();
    List<Row> reversed = new ArrayList<>(arrived);
    Collections.reverse(reversed);

    assertThat(batches(reversed))
        .as("the arrival order changes which rows share a micro-batch")
        .isNotEqualTo(batches(arrived));
    Map<String, String> first = experience(task, arrived);
    Map<String, String> second = experience(task, reversed);
    assertThat(second).as("experience rows, bit for bit").isEqualTo(first);
    assertThat(new ArrayList<>(second.keySet()))
        .as("rows in canonical order (prompt id, sample index)")
        .isEqualTo(new ArrayList<>(first.keySet()))
        .isSorted();
  }

  /**
   * 4 prompts × 4 samples of random tokens, shuffled as a shuffle read might deliver them: prompts
   * of equal length, responses of equal length across prompts, so sequences of one length span
   * several prompts.
   */
  private static List<Row> rolloutRows() {
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < PROMPT_LENGTHS.length; p++) {
      List<Integer> prompt = tokens(random, PROMPT_LENGTHS[p]);
      for (int s = 0; s < RESPONSE_LENGTHS.length; s++) {
        rows.add(
            RowFactory.create(
                "p" + p,
                s,
                prompt,
                tokens(random, RESPONSE_LENGTHS[(p + s) % RESPONSE_LENGTHS.length]),
                (p + s) % 2 == 0 ? RolloutTable.CORRECT_REWARD : 0f));
      }
    }
    Collections.shuffle(rows, random);
    StructType schema =
        new StructType()
            .add(RolloutTable.PROMPT_ID, DataTypes.StringType)
            .add(RolloutTable.SAMPLE_INDEX, DataTypes.IntegerType)
            .add(RolloutTable.PROMPT_TOKEN_IDS, DataTypes.createArrayType(DataTypes.IntegerType))
            .add(RolloutTable.RESPONSE_TOKEN_IDS, DataTypes.createArrayType(DataTypes.IntegerType))
            .add(RolloutTable.REWARD, DataTypes.FloatType);
    return SharedSpark.session()
        .createDataFrame(rows, schema)
        .coalesce(1)
        .select(RolloutTable.scoredResponseColumns())
        .collectAsList();
  }

  private static List<Integer> tokens(Random random, int count) {
    return IntStream.range(0, count).mapToObj(i -> 10 + random.nextInt(200)).toList();
  }

  /** The micro-batches the rows would form in this order, as sets of row keys. */
  private static Set<Set<String>> batches(List<Row> rows) {
    List<ScoredResponse> responses = rows.stream().map(RolloutTable::scoredResponse).toList();
    int[] all = IntStream.range(0, responses.size()).toArray();
    Set<Set<String>> batches = new HashSet<>();
    for (MicroBatches.MicroBatch batch :
        MicroBatches.plan(responses, all, MICRO_BATCH_TOKENS, true, true)) {
      Set<String> keys = new TreeSet<>();
      for (int row : batch.responses()) {
        keys.add(key(responses.get(row)));
      }
      batches.add(keys);
    }
    return batches;
  }

  /**
   * The task's output, in its order: row key → its arrays, exactly (Float.toString round-trips).
   */
  private static Map<String, String> experience(ExperienceStage.Task task, List<Row> rows)
      throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<ExperienceRow> computed =
        ExperienceStage.compute(
            task, new LongAccumulator(), new LongAccumulator(), rows.iterator());
    while (computed.hasNext()) {
      ExperienceRow row = computed.next();
      out.put(
          key(row.response()),
          Arrays.toString(row.oldLogProbs())
              + Arrays.toString(row.values())
              + Arrays.toString(row.returns())
              + Arrays.toString(row.advantages()));
    }
    return out;
  }

  private static String key(ScoredResponse response) {
    return response.promptId() + "#" + response.sampleIndex();
  }
}
