package org.orzspark.stages;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.generation.GeneratedSample;
import org.orzspark.generation.PromptRequest;
import org.orzspark.run.CheckpointCache;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.PolicyDigest;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunStore;

/**
 * {@code orz replay}: regenerates one rollout sample on the driver from what its row records (its
 * {@link RolloutTable.Origin}) and checks that the tokens come out the same. The sample's rollout
 * task is re-run whole (its work units, in plan order, from the recorded prompt tokens), so the
 * batches are composed as they were; the policy is the iteration's start checkpoint, refused when
 * its {@link PolicyDigest} is not the recorded one. On the machine type that generated the rows the
 * tokens and log-probabilities are equal bit for bit; elsewhere the logits may differ by float
 * rounding, which moves a token only when its uniform draw falls within that rounding of a boundary
 * of the cumulative distribution.
 */
public final class Replay {
  private Replay() {}

  /**
   * How the regenerated sample compares with the recorded one.
   *
   * @param tokens response tokens recorded
   * @param firstDifference the first token position that differs (a missing token counts), or -1
   * @param maxLogprobDelta the largest |Δ log-probability| over the tokens when they all match
   */
  public record Result(int tokens, int firstDifference, double maxLogprobDelta) {
    public boolean matches() {
      return firstDifference < 0;
    }

    /**
     * {@code replay: match (N tokens, max |Δ logprob| x)} or {@code replay: differs at token i}.
     */
    public String line() {
      return matches()
          ? String.format(
              Locale.ROOT,
              "replay: match (%d tokens, max |Δ logprob| %.3g)",
              tokens,
              maxLogprobDelta)
          : "replay: differs at token " + firstDifference;
    }
  }

  /**
   * Compares a recorded response with its replay: the first differing position (a token present in
   * one and missing from the other counts), or, when all match, the largest |Δ log-probability|.
   */
  public static Result compare(
      int[] recorded, float[] recordedLogprobs, int[] replayed, float[] replayedLogprobs) {
    int common = Math.min(recorded.length, replayed.length);
    for (int i = 0; i < common; i++) {
      if (recorded[i] != replayed[i]) {
        return new Result(recorded.length, i, Double.NaN);
      }
    }
    if (recorded.length != replayed.length) {
      return new Result(recorded.length, common, Double.NaN);
    }
    double max = 0;
    for (int i = 0; i < common; i++) {
      max = Math.max(max, Math.abs((double) recordedLogprobs[i] - replayedLogprobs[i]));
    }
    return new Result(recorded.length, -1, max);
  }

  /** Replays sample {@code sample} of prompt {@code promptId} of iteration {@code iteration}. */
  public static Result run(
      SparkSession spark, String runDir, int iteration, String promptId, int sample)
      throws IOException {
    RunStore store = RunStore.open(runDir);
    RunLayout layout = store.layout();
    if (!store.exists(layout.runJson())) {
      throw new IllegalArgumentException("no run in " + runDir + " (run.json missing)");
    }
    RunConfig config = RunConfig.read(store);
    Path folder = layout.rollouts(iteration);
    if (!AtomicOutput.isComplete(spark.sparkContext().hadoopConfiguration(), folder.toString())) {
      throw new IllegalArgumentException(
          "iteration "
              + iteration
              + " has no complete rollouts ("
              + folder
              + "): only a scored iteration can be replayed");
    }
    Dataset<Row> rows = spark.read().parquet(folder.toString());
    if (!Arrays.asList(rows.columns()).containsAll(RolloutTable.ORIGIN_COLUMNS)) {
      throw new IllegalArgumentException(
          "iteration "
              + iteration
              + "'s rollouts were written before rows recorded their origin: they cannot be replayed");
    }
    Row target = find(rows, iteration, promptId, sample);
    RolloutTable.Origin origin =
        RolloutTable.origin(target)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "sample "
                            + sample
                            + " of prompt '"
                            + promptId
                            + "' records no origin: it cannot be replayed"));
    Path checkpoint = startCheckpoint(store, iteration, origin);

    List<PromptRequest> requests = taskRequests(rows, origin.rolloutTask());
    RolloutStage.TaskSettings settings =
        new RolloutStage.TaskSettings(
            new Path(checkpoint, "policy").toString(),
            origin.policyDigest(),
            origin.generationSeed(),
            RolloutSettings.Sampling.from(config));
    List<GeneratedSample> generated;
    try (ExecutorModels.Lease<ExecutorModels.Policy> lease =
        ExecutorModels.policy(
            CheckpointCache.local(settings.policyFolder()),
            ExecutorModels.Placement.forTask(settings.sampling().dtype()))) {
      generated = RolloutStage.generate(lease.get(), settings, requests, s -> {});
    }
    GeneratedSample replayed =
        generated.stream()
            .filter(s -> s.promptId().equals(promptId) && s.sampleIndex() == sample)
            .findFirst()
            .orElseThrow();
    return compare(
        ints(target.getList(target.fieldIndex(RolloutTable.RESPONSE_TOKEN_IDS))),
        floats(target.getList(target.fieldIndex(RolloutTable.SAMPLING_LOGPROBS))),
        replayed.tokens(),
        replayed.logprobs());
  }

  /** The row of the sample, or a one-line refusal naming what exists. */
  private static Row find(Dataset<Row> rows, int iteration, String promptId, int sample) {
    List<Row> samples = rows.where(col(RolloutTable.PROMPT_ID).equalTo(promptId)).collectAsList();
    if (samples.isEmpty()) {
      throw new IllegalArgumentException(
          "iteration "
              + iteration
              + " has no prompt '"
              + promptId
              + "' (its prompt ids are in the "
              + RolloutTable.PROMPT_ID
              + " column of "
              + "R/rollouts/iteration="
              + iteration
              + ")");
    }
    return samples.stream()
        .filter(r -> r.<Integer>getAs(RolloutTable.SAMPLE_INDEX) == sample)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "prompt '"
                        + promptId
                        + "' has no sample "
                        + sample
                        + " in iteration "
                        + iteration
                        + " (samples 0.."
                        + (samples.size() - 1)
                        + ")"));
  }

  /** The iteration's start checkpoint, complete and holding the policy that generated the row. */
  private static Path startCheckpoint(RunStore store, int iteration, RolloutTable.Origin origin)
      throws IOException {
    int start = iteration - 1;
    CheckpointStore checkpoints = new CheckpointStore(store);
    Path checkpoint;
    try {
      checkpoint = checkpoints.usable(start).folder();
    } catch (IllegalArgumentException unusable) {
      throw new IllegalArgumentException(
          "iteration " + iteration + " cannot be replayed: " + unusable.getMessage(), unusable);
    }
    String digest = PolicyDigest.of(checkpoints, checkpoint);
    if (origin.policyDigest() != null && !digest.equals(origin.policyDigest())) {
      throw new IllegalArgumentException(
          "checkpoint "
              + start
              + "'s policy (digest "
              + digest
              + ") is not the one that generated the sample ("
              + origin.policyDigest()
              + ")");
    }
    return checkpoint;
  }

  /** The prompt requests of a rollout task: its work units in plan order, from the rows. */
  private static List<PromptRequest> taskRequests(Dataset<Row> rows, int task) {
    Column[] columns = {
      col(RolloutTable.WORK_UNIT),
      col(RolloutTable.PROMPT_ID),
      col(RolloutTable.SAMPLE_INDEX),
      col(RolloutTable.PROMPT_TOKEN_IDS)
    };
    Map<Integer, List<Row>> units = new TreeMap<>();
    for (Row row :
        rows.where(col(RolloutTable.ROLLOUT_TASK).equalTo(task)).select(columns).collectAsList()) {
      units
          .computeIfAbsent(row.<Integer>getAs(RolloutTable.WORK_UNIT), u -> new ArrayList<>())
          .add(row);
    }
    List<PromptRequest> requests = new ArrayList<>();
    for (var unit : units.entrySet()) {
      List<Row> members = unit.getValue();
      int first = members.stream().mapToInt(Replay::sampleIndex).min().orElseThrow();
      int last = members.stream().mapToInt(Replay::sampleIndex).max().orElseThrow();
      if (last - first + 1 != members.size()) {
        throw new IllegalArgumentException(
            "work unit "
                + unit.getKey()
                + " of rollout task "
                + task
                + " misses samples ("
                + members.size()
                + " rows for samples "
                + first
                + ".."
                + last
                + "): the iteration's rollouts are incomplete");
      }
      Row head = members.get(0);
      requests.add(
          new PromptRequest(
              head.getAs(RolloutTable.PROMPT_ID),
              ints(head.getList(head.fieldIndex(RolloutTable.PROMPT_TOKEN_IDS))),
              first,
              members.size()));
    }
    return requests;
  }

  private static int sampleIndex(Row row) {
    return row.<Integer>getAs(RolloutTable.SAMPLE_INDEX);
  }

  private static int[] ints(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
