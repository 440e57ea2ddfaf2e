package org.orzspark.evaluation;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.SampledPromptTable.SampledPrompt;
import org.orzspark.stages.RolloutSettings;
import org.orzspark.stages.RolloutStage;
import org.orzspark.stages.ScoreStage;
import org.orzspark.stages.StageProgress;

/**
 * k samples per prompt from a model, generated and scored by the iteration's own stages ({@link
 * RolloutStage#plan}, {@link RolloutStage#taskCount}, {@link RolloutStage#generate}, {@link
 * ScoreStage#score}): the same work units, task split, per-sample seeds and GPU request as a
 * training rollout, under a console progress bar. Evaluation and pass-rate curation both judge a
 * model this way, so their figures agree with the rewards training would see.
 */
public final class ScoredSampling {
  private ScoredSampling() {}

  /** How to sample. */
  public record Settings(
      int samples,
      double temperature,
      double topP,
      int maxNewTokens,
      PromptTemplate.Variant template,
      int batchSequences,
      long seed,
      double gpusPerTask) {}

  /**
   * Runs {@code materialise} on the scored samples ({@link RolloutTable#ROLLOUTS} rows, one per
   * prompt × sample) while the progress bar is shown. The frame is lazy: {@code materialise} should
   * run one action on it (each action generates again, with the same result).
   *
   * @param model the model folder: an absolute local path, or a folder of a checkpoint on any file
   *     system ({@code hdfs://…/iter-000007/policy}), which executors copy once ({@code
   *     CheckpointCache})
   * @param generationSeed the seed every sample's draws derive from, together with its prompt id
   *     and sample index (so a prompt's samples do not depend on which other prompts are sampled)
   * @param label names the progress bar and its accumulators
   */
  public static <T> T scored(
      SparkSession spark,
      String model,
      List<PromptRecord> prompts,
      Settings settings,
      long generationSeed,
      String label,
      PrintStream console,
      Function<Dataset<Row>, T> materialise) {
    List<SampledPrompt> questions = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      PromptRecord p = prompts.get(i);
      questions.add(new SampledPrompt(i, p.promptId(), p.question(), p.answer()));
    }
    int slots = Math.max(1, spark.sparkContext().defaultParallelism());
    List<RolloutStage.WorkUnit> units = RolloutStage.plan(questions, settings.samples(), slots);
    RolloutStage.TaskSettings task =
        new RolloutStage.TaskSettings(
            model,
            generationSeed,
            new RolloutSettings.Sampling(
                settings.template(),
                settings.maxNewTokens(),
                settings.temperature(),
                settings.topP(),
                0,
                settings.batchSequences()));
    try (StageProgress progress =
        new StageProgress(
            spark.sparkContext(),
            label,
            StageProgress.Counting.GENERATION,
            (long) questions.size() * settings.samples(),
            console)) {
      Dataset<Row> generated =
          RolloutStage.generate(
              spark,
              units,
              RolloutStage.taskCount(units, slots, settings.batchSequences()),
              task,
              settings.gpusPerTask(),
              progress);
      return materialise.apply(ScoreStage.score(spark, generated));
    }
  }

  /** Whether a sample with this reward is correct ({@link RolloutTable#CORRECT_REWARD}). */
  public static boolean correct(float reward) {
    return reward >= RolloutTable.CORRECT_REWARD;
  }
}
