package org.orzspark.stages;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.generation.GeneratedSample;
import org.orzspark.generation.Generator;
import org.orzspark.generation.PromptRequest;
import org.orzspark.generation.SamplingParams;
import org.orzspark.model.Tokenizers;
import org.orzspark.run.CheckpointCache;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.PolicyDigest;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.SampledPromptTable.SampledPrompt;
import org.orzspark.timing.Stopwatch;

/**
 * Stage 2: fan the iteration's prompts × samples out over the executors. The unit of work is a
 * prompt with a block of its samples; by default a task owns whole prompts, so the prompt's KV
 * prefix is computed once for all its samples, and only when there are more task slots than prompts
 * are a prompt's samples split across tasks. The policy is loaded once per executor ({@link
 * ExecutorModels}). A sample's tokens depend only on (run seed, iteration, prompt id, sample index)
 * and the weights, so a retried task writes the same rows.
 */
public final class RolloutStage {
  /** The stage record's note naming where the generation tasks ran. */
  public static final String PLACEMENTS = "placements";

  private RolloutStage() {}

  /** Samples [firstSample, firstSample + samples) of one prompt; {@code index}: in the plan. */
  public record WorkUnit(
      String promptId, String question, String groundTruth, int firstSample, int samples, int index)
      implements Serializable {}

  /**
   * Everything a rollout task needs: the policy (and its {@link PolicyDigest}, recorded on every
   * row; null when the policy is not a checkpoint's), the seed its draws derive from and how to
   * sample.
   */
  public record TaskSettings(
      String policyFolder,
      String policyDigest,
      long generationSeed,
      RolloutSettings.Sampling sampling)
      implements Serializable {

    /** Settings for a policy that is not a checkpoint's (no digest). */
    public TaskSettings(
        String policyFolder, long generationSeed, RolloutSettings.Sampling sampling) {
      this(policyFolder, null, generationSeed, sampling);
    }
  }

  /**
   * Cuts prompts × samples into work units: one per prompt, or, when there are more task slots than
   * prompts, each prompt's samples in {@code ceil(slots / prompts)} blocks.
   */
  public static List<WorkUnit> plan(List<SampledPrompt> prompts, int samplesPerPrompt, int slots) {
    int blocks =
        prompts.isEmpty()
            ? 1
            : Math.min(
                samplesPerPrompt, Math.max(1, (slots + prompts.size() - 1) / prompts.size()));
    List<WorkUnit> units = new ArrayList<>();
    for (SampledPrompt prompt : prompts) {
      for (int b = 0; b < blocks; b++) {
        int from = (int) ((long) samplesPerPrompt * b / blocks);
        int to = (int) ((long) samplesPerPrompt * (b + 1) / blocks);
        if (to > from) {
          units.add(
              new WorkUnit(
                  prompt.promptId(),
                  prompt.question(),
                  prompt.answer(),
                  from,
                  to - from,
                  units.size()));
        }
      }
    }
    return units;
  }

  /** Tasks for {@code units}: enough to fill the slots and to keep each task near one batch. */
  public static int taskCount(List<WorkUnit> units, int slots, int batchSequences) {
    long sequences = units.stream().mapToLong(WorkUnit::samples).sum();
    long byBatch = (sequences + batchSequences - 1) / batchSequences;
    return (int) Math.max(1, Math.min(units.size(), Math.max(slots, byBatch)));
  }

  public static void run(IterationContext ctx, List<SampledPrompt> prompts) throws IOException {
    Stopwatch stage = Stopwatch.start();
    ctx.jobGroup("rollout");
    RolloutSettings run = RolloutSettings.from(ctx.config());
    int samples = run.samplesPerPrompt();
    List<WorkUnit> units = plan(prompts, samples, ctx.slots());
    int batch = run.sampling().batchSequences();
    TaskSettings settings =
        new TaskSettings(
            ctx.startCheckpoint("policy"),
            PolicyDigest.of(new CheckpointStore(ctx.store()), ctx.startCheckpoint()),
            run.generationSeed(ctx.iteration()),
            run.sampling());
    long total = (long) prompts.size() * samples;
    var folder = ctx.layout().generated(ctx.iteration());
    try (StageProgress progress =
            new StageProgress(
                ctx.spark().sparkContext(),
                "iteration " + ctx.iteration() + " rollout",
                StageProgress.Counting.GENERATION,
                total,
                System.err);
        AtomicOutput out = ctx.begin(folder)) {
      int tasks = taskCount(units, ctx.slots(), batch);
      out.writeParquet(
          generate(ctx.spark(), units, tasks, settings, run.gpusPerTask(), progress), "");
      double seconds = stage.seconds();
      out.writeText(
          StageRecord.FILE,
          ctx.newRecord(
                  "rollout",
                  seconds,
                  Map.of(
                      "sequences",
                      (double) total,
                      "tasks",
                      (double) tasks,
                      "units",
                      (double) units.size()),
                  Map.of(PLACEMENTS, String.join(",", progress.placements())))
              .toJson());
      out.commit();
    }
  }

  /**
   * The generated rows ({@link RolloutTable#GENERATED}) of {@code units}, cut into {@code tasks}
   * tasks that request {@code gpusPerTask} GPUs each; shared by the iteration and evaluation.
   */
  public static Dataset<Row> generate(
      SparkSession spark,
      List<WorkUnit> units,
      int tasks,
      TaskSettings settings,
      double gpusPerTask,
      StageProgress progress) {
    JavaRDD<WorkUnit> work =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(units, tasks);
    JavaRDD<Row> rows =
        GpuStages.requestGpus(work, gpusPerTask)
            .mapPartitions(new GenerateTask(settings, progress));
    return spark.createDataFrame(rows, RolloutTable.GENERATED);
  }

  /** A rollout task: load (or reuse) the policy, generate its units' samples, emit rows. */
  static final class GenerateTask implements FlatMapFunction<Iterator<WorkUnit>, Row> {
    private final TaskSettings settings;
    private final LongAccumulator sequences;
    private final LongAccumulator tokens;
    private final LongAccumulator computeNanos;
    private final CollectionAccumulator<String> placements;

    GenerateTask(TaskSettings settings, StageProgress progress) {
      this.settings = settings;
      this.sequences = progress.done();
      this.tokens = progress.tokens();
      this.computeNanos = progress.computeNanos();
      this.placements = progress.placementSink();
    }

    @Override
    public Iterator<Row> call(Iterator<WorkUnit> partition) throws Exception {
      List<WorkUnit> units = new ArrayList<>();
      partition.forEachRemaining(units::add);
      if (units.isEmpty()) {
        return List.<Row>of().iterator();
      }
      int task = TaskContext.getPartitionId();
      try (ExecutorModels.Lease<ExecutorModels.Policy> lease =
          ExecutorModels.policy(
              CheckpointCache.local(settings.policyFolder()),
              ExecutorModels.Placement.forTask(settings.sampling().dtype()))) {
        HuggingFaceTokenizer tokenizer = lease.get().tokenizer();
        List<PromptRequest> requests = new ArrayList<>();
        Map<String, int[]> promptTokens = new HashMap<>();
        for (WorkUnit unit : units) {
          int[] ids =
              promptTokens.computeIfAbsent(
                  unit.promptId(),
                  id ->
                      Tokenizers.encode(
                          tokenizer, settings.sampling().template().render(unit.question())));
          requests.add(new PromptRequest(unit.promptId(), ids, unit.firstSample(), unit.samples()));
        }
        Stopwatch compute = Stopwatch.start();
        List<GeneratedSample> generated =
            generate(
                lease.get(),
                settings,
                requests,
                sample -> {
                  sequences.add(1);
                  FaultPoints.reach("rollout");
                  tokens.add(sample.tokens().length);
                });
        computeNanos.add(compute.nanos());
        placements.add(GpuStages.placement());
        List<Row> rows = new ArrayList<>(generated.size());
        for (GeneratedSample sample : generated) {
          WorkUnit unit =
              units.stream()
                  .filter(
                      u ->
                          u.promptId().equals(sample.promptId())
                              && sample.sampleIndex() >= u.firstSample()
                              && sample.sampleIndex() < u.firstSample() + u.samples())
                  .findFirst()
                  .orElseThrow();
          rows.add(
              RolloutTable.toRow(
                  new RolloutTable.Generated(
                      sample.promptId(),
                      sample.sampleIndex(),
                      unit.question(),
                      unit.groundTruth(),
                      promptTokens.get(sample.promptId()),
                      sample.tokens(),
                      sample.text(),
                      sample.logprobs(),
                      sample.finishReason()),
                  new RolloutTable.Origin(
                      settings.policyDigest(), settings.generationSeed(), task, unit.index())));
        }
        return rows.iterator();
      }
    }
  }

  /**
   * Samples {@code requests} with one policy, in one generator: the generation of one rollout task,
   * shared by the task and {@link Replay} so that a replay batches exactly as the task did.
   */
  static List<GeneratedSample> generate(
      ExecutorModels.Policy policy,
      TaskSettings settings,
      List<PromptRequest> requests,
      Consumer<GeneratedSample> onFinished) {
    RolloutSettings.Sampling sampling = settings.sampling();
    var model = policy.model();
    SamplingParams params =
        SamplingParams.orz(sampling.maxResponseTokens(), model.config().eosTokenIds())
            .withTemperature(sampling.temperature())
            .withTopP(sampling.topP())
            .withTopK(sampling.topK());
    Generator generator =
        new Generator(
            model,
            Tokenizers.decoder(policy.tokenizer()),
            settings.generationSeed(),
            sampling.batchSequences(),
            sampling.kvCacheBytes(),
            Generator.Admission.CONTINUOUS);
    return generator.generateWithStats(requests, params, onFinished).samples();
  }
}
