package org.orzspark.stages;

import static org.apache.spark.sql.functions.col;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.model.CriticModel;
import org.orzspark.ppo.AdvantageNormalization;
import org.orzspark.ppo.AdvantageStats;
import org.orzspark.run.RunTables;
import org.orzspark.train.ExperienceComputer;
import org.orzspark.train.ExperienceRow;
import org.orzspark.train.ScoredResponse;
import scala.Tuple2;

/**
 * Stage 4: the experience. Executors compute the generating policy's log-probabilities and the
 * critic's values of every response, and GAE; the driver combines the per-partition advantage
 * statistics (count, mean, M2) in partition order, so the global mean and standard deviation over
 * ALL response tokens of the iteration are exact and reproducible; the advantages are normalised
 * with them and written.
 */
public final class ExperienceStage {
  /** The order of a partition's responses before batching: (prompt id, sample index). */
  static final Comparator<ScoredResponse> CANONICAL =
      Comparator.comparing(ScoredResponse::promptId).thenComparingInt(ScoredResponse::sampleIndex);

  private ExperienceStage() {}

  /** What an experience task needs: the start checkpoint's models and the run's settings. */
  record Task(String policyFolder, String criticFolder, ExperienceSettings settings)
      implements Serializable {}

  public static void run(IterationContext ctx) throws IOException {
    long started = System.nanoTime();
    ctx.jobGroup("experience");
    ExperienceSettings run = ExperienceSettings.from(ctx.config());
    Task task = new Task(
        ctx.startCheckpoint().resolve("policy").toString(),
        ctx.startCheckpoint().resolve("critic").toString(),
        run);
    Dataset<Row> rollouts =
        ctx.spark().read().parquet(ctx.dataFiles(ctx.layout().rollouts(ctx.iteration())))
        .select(col("prompt_id"), col("sample_index"), col("prompt_token_ids"),
            col("response_token_ids"), col("reward"));
    LongAccumulator computeNanos = ComputeClock.register(ctx.spark().sparkContext());
    int tasks = Math.max(1, Math.min(ctx.slots(), (int) Math.max(1, rollouts.count())));
    JavaRDD<ExperienceRow> experience =
        GpuStages.requestGpus(rollouts.repartition(tasks, col("prompt_id")).javaRDD(),
                run.gpusPerTask())
            .mapPartitions(rows -> compute(task, computeNanos, rows))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Tuple2<Integer, AdvantageStats>> perPartition =
          experience.mapPartitionsWithIndex((index, rows) -> {
            AdvantageStats stats = AdvantageStats.EMPTY;
            while (rows.hasNext()) {
              stats = stats.merge(AdvantageStats.of(rows.next().advantages()));
            }
            return List.of(new Tuple2<>(index, stats)).iterator();
          }, false).collect();
      AdvantageStats global = perPartition.stream()
          .sorted(java.util.Comparator.comparing(Tuple2::_1))
          .map(Tuple2::_2)
          .reduce(AdvantageStats.EMPTY, AdvantageStats::merge);
      JavaRDD<Row> normalised = experience.map(row -> toRow(normalise(row, global)));
      Path folder = ctx.layout().experience(ctx.iteration());
      try (AtomicOutput out = ctx.begin(folder)) {
        out.writeParquet(ctx.spark().createDataFrame(normalised, RunTables.EXPERIENCE), "");
        double seconds = (System.nanoTime() - started) / 1e9;
        out.writeText(StageRecord.FILE, new StageRecord("experience", seconds,
            Map.of("advantage_tokens", (double) global.count(),
                "advantage_mean", global.mean(),
                "advantage_std", Math.sqrt(global.variance())),
            Map.of()).toJson());
        out.commit();
      }
    } finally {
      experience.unpersist(false);
    }
  }

  private static Iterator<ExperienceRow> compute(Task task,
      LongAccumulator computeNanos, Iterator<Row> rows) throws IOException {
    List<ScoredResponse> responses = new ArrayList<>();
    rows.forEachRemaining(r -> responses.add(scored(r)));
    // Shuffle fetch order (retries, executors) must not change which rows share a micro-batch, nor
    // the order the partition's advantage statistics are summed in: a canonical order first.
    responses.sort(CANONICAL);
    if (responses.isEmpty()) {
      return List.<ExperienceRow>of().iterator();
    }
    ExperienceSettings settings = task.settings();
    try (var policy = ExecutorModels.policy(Path.of(task.policyFolder()));
        ExecutorModels.Lease<CriticModel> critic = ExecutorModels.critic(Path.of(task.criticFolder()));
        NDManager manager = NDManager.newBaseManager()) {
      long started = System.nanoTime();
      List<ExperienceRow> computed = new ExperienceComputer(policy.get().model(), critic.get(),
          settings.microBatchTokens(), settings.gamma(), settings.lambda()).compute(responses, manager);
      computeNanos.add(System.nanoTime() - started);
      FaultPoints.reach("experience");
      return computed.iterator();
    }
  }

  /** A rollout row (prompt_id, sample_index, prompt ids, response ids, reward) as a response. */
  static ScoredResponse scored(Row row) {
    List<Integer> prompt = row.getList(2);
    List<Integer> response = row.getList(3);
    int[] tokens = new int[prompt.size() + response.size()];
    for (int i = 0; i < prompt.size(); i++) {
      tokens[i] = prompt.get(i);
    }
    for (int i = 0; i < response.size(); i++) {
      tokens[prompt.size() + i] = response.get(i);
    }
    return new ScoredResponse(row.getString(0), row.getInt(1), tokens, prompt.size(),
        row.getFloat(4));
  }

  private static ExperienceRow normalise(ExperienceRow row, AdvantageStats stats) {
    float[] advantages = row.advantages().clone();
    AdvantageNormalization.applyInPlace(advantages, stats);
    return row.withAdvantages(advantages);
  }

  private static Row toRow(ExperienceRow row) {
    ScoredResponse r = row.response();
    return RowFactory.create(r.promptId(), r.sampleIndex(), r.tokens(), r.promptLength(),
        r.responseLength(), r.reward(), row.oldLogProbs(), row.values(), row.returns(),
        row.advantages());
  }

  /** An experience Parquet row as the trainer's host-side row. */
  public static ExperienceRow fromRow(Row row) {
    List<Integer> tokenList = row.getList(row.fieldIndex("token_ids"));
    int[] tokens = tokenList.stream().mapToInt(Integer::intValue).toArray();
    ScoredResponse response = new ScoredResponse(row.getString(row.fieldIndex("prompt_id")),
        row.getInt(row.fieldIndex("sample_index")), tokens, row.getInt(row.fieldIndex("prompt_length")),
        row.getFloat(row.fieldIndex("reward")));
    return new ExperienceRow(response, floats(row, "old_logprobs"), floats(row, "values"),
        floats(row, "returns"), floats(row, "advantages"));
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
