package org.orzspark.stages;

import static org.apache.spark.sql.functions.col;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.model.CriticModel;
import org.orzspark.ppo.AdvantageNormalization;
import org.orzspark.ppo.AdvantageStats;
import org.orzspark.run.CheckpointCache;
import org.orzspark.run.ExperienceTable;
import org.orzspark.run.RolloutTable;
import org.orzspark.timing.Stopwatch;
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
  /** The stage record's figures: the raw advantages' mean and standard deviation. */
  static final String ADVANTAGE_MEAN = "advantage_mean";

  static final String ADVANTAGE_STD = "advantage_std";

  /** The order of a partition's responses before batching: (prompt id, sample index). */
  static final Comparator<ScoredResponse> CANONICAL =
      Comparator.comparing(ScoredResponse::promptId).thenComparingInt(ScoredResponse::sampleIndex);

  private ExperienceStage() {}

  /** What an experience task needs: the start checkpoint's models and the run's settings. */
  record Task(String policyFolder, String criticFolder, ExperienceSettings settings)
      implements Serializable {}

  public static void run(IterationContext ctx) throws IOException {
    Stopwatch stage = Stopwatch.start();
    ctx.jobGroup("experience");
    ExperienceSettings run = ExperienceSettings.from(ctx.config());
    Task task = new Task(ctx.startCheckpoint("policy"), ctx.startCheckpoint("critic"), run);
    Dataset<Row> rollouts =
        ctx.spark()
            .read()
            .schema(RolloutTable.ROLLOUTS)
            .parquet(ctx.dataFiles(ctx.layout().rollouts(ctx.iteration())))
            .select(RolloutTable.scoredResponseColumns());
    long sequences = rollouts.count();
    int tasks = Math.max(1, Math.min(ctx.slots(), (int) Math.max(1, sequences)));
    try (StageProgress progress =
        new StageProgress(
            ctx.spark().sparkContext(),
            "iteration " + ctx.iteration() + " experience",
            StageProgress.Counting.EXPERIENCE,
            sequences,
            System.err)) {
      LongAccumulator computeNanos = progress.computeNanos();
      LongAccumulator done = progress.done();
      JavaRDD<ExperienceRow> experience =
          GpuStages.requestGpus(
                  rollouts.repartition(tasks, col(RolloutTable.PROMPT_ID)).javaRDD(),
                  run.gpusPerTask())
              .mapPartitions(rows -> compute(task, computeNanos, done, rows))
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        List<Tuple2<Integer, AdvantageStats>> perPartition =
            experience
                .mapPartitionsWithIndex(
                    (index, rows) -> {
                      AdvantageStats stats = AdvantageStats.EMPTY;
                      while (rows.hasNext()) {
                        stats = stats.merge(AdvantageStats.of(rows.next().advantages()));
                      }
                      return List.of(new Tuple2<>(index, stats)).iterator();
                    },
                    false)
                .collect();
        // The bar ends once every sequence has its experience; normalising and writing is quick.
        progress.close();
        AdvantageStats global =
            perPartition.stream()
                .sorted(java.util.Comparator.comparing(Tuple2::_1))
                .map(Tuple2::_2)
                .reduce(AdvantageStats.EMPTY, AdvantageStats::merge);
        JavaRDD<Row> normalised =
            experience.map(row -> ExperienceTable.toRow(normalise(row, global)));
        var folder = ctx.layout().experience(ctx.iteration());
        try (AtomicOutput out = ctx.begin(folder)) {
          out.writeParquet(ctx.spark().createDataFrame(normalised, ExperienceTable.SCHEMA), "");
          double seconds = stage.seconds();
          out.writeText(
              StageRecord.FILE,
              ctx.newRecord(
                      "experience",
                      seconds,
                      Map.of(
                          "advantage_tokens",
                          (double) global.count(),
                          ADVANTAGE_MEAN,
                          global.mean(),
                          ADVANTAGE_STD,
                          Math.sqrt(global.variance())),
                      Map.of())
                  .toJson());
          out.commit();
        }
      } finally {
        experience.unpersist(false);
      }
    }
  }

  /** An experience task: its partition's rollout rows, in any order, to experience rows. */
  static Iterator<ExperienceRow> compute(
      Task task, LongAccumulator computeNanos, LongAccumulator done, Iterator<Row> rows)
      throws IOException {
    List<ScoredResponse> responses = new ArrayList<>();
    rows.forEachRemaining(r -> responses.add(RolloutTable.scoredResponse(r)));
    // Shuffle fetch order (retries, executors) must not change which rows share a micro-batch, nor
    // the order the partition's advantage statistics are summed in: a canonical order first.
    responses.sort(CANONICAL);
    if (responses.isEmpty()) {
      return List.<ExperienceRow>of().iterator();
    }
    ExperienceSettings settings = task.settings();
    ExecutorModels.Placement placement = ExecutorModels.Placement.forTask(settings.dtype());
    try (var policy = ExecutorModels.policy(CheckpointCache.local(task.policyFolder()), placement);
        ExecutorModels.Lease<CriticModel> critic =
            ExecutorModels.critic(CheckpointCache.local(task.criticFolder()), placement);
        NDManager manager = NDManager.newBaseManager(placement.device())) {
      Stopwatch compute = Stopwatch.start();
      List<ExperienceRow> computed =
          new ExperienceComputer(
                  policy.get().model(),
                  critic.get(),
                  settings.microBatchTokens(),
                  settings.packing(),
                  settings.gamma(),
                  settings.lambda())
              .compute(responses, manager, done::add);
      computeNanos.add(compute.nanos());
      FaultPoints.reach("experience");
      return computed.iterator();
    }
  }

  private static ExperienceRow normalise(ExperienceRow row, AdvantageStats stats) {
    float[] advantages = row.advantages().clone();
    AdvantageNormalization.applyInPlace(advantages, stats);
    return row.withAdvantages(advantages);
  }
}
