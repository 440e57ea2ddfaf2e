package org.orzspark.stages;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.orzspark.collective.BarrierRing;
import org.orzspark.collective.BarrierStage;
import org.orzspark.collective.RingAllReduce;
import org.orzspark.collective.RingSum;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.model.CheckpointDtype;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Model;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.OptimizerSharding;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.ReplicaOptimizer;
import org.orzspark.ppo.ShardedAdamW;
import org.orzspark.ppo.UpdateSchedule;
import org.orzspark.run.CheckpointCache;
import org.orzspark.run.CheckpointState;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.ExperienceTable;
import org.orzspark.run.IterationMetrics;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSetting;
import org.orzspark.run.RunStore;
import org.orzspark.timing.Stopwatch;
import org.orzspark.train.ExperienceRow;
import org.orzspark.train.ParameterDigest;
import org.orzspark.train.ReplicaTrainer;
import scala.Tuple2;

/**
 * Stage 5: the collective update. A Spark barrier stage of N tasks (gang-scheduled, retried all or
 * nothing), each a data-parallel replica of policy, critic and both optimizers loaded from the
 * starting checkpoint. The experience, in a canonical order (prompt id, sample index), is cut into
 * N contiguous shards; at every optimizer step (policy: 1, critic: 12 by default) the replicas sum
 * their gradients over a TCP ring ({@link RingAllReduce}). Afterwards the replicas compare
 * parameter digests (they must be bit-identical) and task 0 writes the next checkpoint, with the
 * update's figures in {@code update.json}; a refused (non-finite) step writes no checkpoint.
 */
public final class UpdateStage {
  public static final String UPDATE_FILE = "update.json";
  public static final String STATE_FILE = "state.json";
  public static final String POLICY_OPTIMIZER = "optimizer/policy.adamw";
  public static final String CRITIC_OPTIMIZER = "optimizer/critic.adamw";

  /**
   * {@code update.json}: how the replicas held the optimizer ({@code none} or {@code optimizer}).
   */
  public static final String OPTIMIZER_SHARDING = "update/sharding";

  private static final String POLICY = "policy";
  private static final String CRITIC = "critic";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private UpdateStage() {}

  /**
   * What every replica needs: this iteration's own values beside the run's update settings.
   *
   * @param runRoot the run directory
   * @param iteration the iteration whose checkpoint the replicas write
   * @param replicas how many replicas the barrier stage has
   * @param order the canonical order of the experience rows, with their response lengths
   * @param threads PyTorch intra-op threads of each replica's training ({@code 0}: as configured)
   * @param state the run state saved with the checkpoint ({@link #STATE_FILE})
   * @param settings the run's update settings
   */
  record Task(
      String runRoot,
      int iteration,
      int replicas,
      UpdateRowOrder order,
      int threads,
      CheckpointState state,
      UpdateSettings settings)
      implements Serializable {}

  /** One replica's report to the driver. */
  public record ReplicaReport(
      int replica,
      String executor,
      int rows,
      boolean applied,
      String refusal,
      String policyDigest,
      String criticDigest,
      int allReduceCalls,
      double allReduceSeconds,
      double allReduceWaitSeconds,
      long optimizerBytes,
      double seconds)
      implements Serializable {}

  /** The stage's outcome: every replica's report. */
  public record Result(List<ReplicaReport> replicas) {
    public boolean applied() {
      return replicas.stream().allMatch(ReplicaReport::applied);
    }

    public String refusal() {
      return replicas.stream()
          .filter(r -> !r.applied())
          .map(ReplicaReport::refusal)
          .findFirst()
          .orElse(null);
    }
  }

  /** Contiguous shards: global row i goes to replica floor(i * n / total). */
  static final class ContiguousPartitioner extends Partitioner {
    private final int parts;
    private final long total;

    ContiguousPartitioner(int parts, long total) {
      this.parts = parts;
      this.total = total;
    }

    @Override
    public int numPartitions() {
      return parts;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((Long) key * parts / total);
    }

    /** The first global row of a replica's shard. */
    static int shardStart(int replica, int parts, long total) {
      return (int) ((replica * total + parts - 1) / parts);
    }
  }

  public static Result run(IterationContext ctx, CheckpointState state) throws IOException {
    ctx.jobGroup("update");
    Dataset<Row> experience =
        ctx.spark().read().parquet(ctx.dataFiles(ctx.layout().experience(ctx.iteration())));
    // The canonical order from the rows' keys (one small job), not a distributed sort of the rows.
    UpdateRowOrder order =
        UpdateRowOrder.of(
            experience
                .select(
                    ExperienceTable.PROMPT_ID,
                    ExperienceTable.SAMPLE_INDEX,
                    ExperienceTable.RESPONSE_LENGTH)
                .collectAsList()
                .stream()
                .map(
                    row ->
                        new UpdateRowOrder.Key(
                            row.getAs(ExperienceTable.PROMPT_ID),
                            row.<Integer>getAs(ExperienceTable.SAMPLE_INDEX),
                            row.<Integer>getAs(ExperienceTable.RESPONSE_LENGTH)))
                .toList());
    int total = order.size();
    UpdateSettings run = UpdateSettings.from(ctx.config());
    int configured = run.replicas();
    int replicas = Math.max(1, Math.min(total, configured > 0 ? configured : ctx.slots()));
    // A lone replica in local mode is the only work of the JVM: its training may use every slot
    // through PyTorch's intra-op threads (launchers keep one per task for the parallel stages).
    int threads = replicas == 1 && ctx.spark().sparkContext().isLocal() ? ctx.slots() : 0;
    Task task =
        new Task(
            ctx.layout().root().toString(), ctx.iteration(), replicas, order, threads, state, run);
    JavaPairRDD<Long, Row> indexed =
        experience
            .javaRDD()
            .mapToPair(
                row ->
                    new Tuple2<>(
                        (long)
                            order.indexOf(
                                row.getAs(ExperienceTable.PROMPT_ID),
                                row.<Integer>getAs(ExperienceTable.SAMPLE_INDEX)),
                        row))
            .partitionBy(new ContiguousPartitioner(replicas, total));
    JavaRDD<Tuple2<Long, Row>> shards =
        GpuStages.requestGpus(indexed.map(t -> t), run.gpusPerTask());
    List<ReplicaReport> reports;
    try (StageProgress progress =
        new StageProgress(
            ctx.spark().sparkContext(),
            "iteration " + ctx.iteration() + " update",
            StageProgress.Counting.UPDATE,
            run.trainer(ctx.iteration()).steps(),
            System.err)) {
      LongAccumulator computeNanos = progress.computeNanos();
      LongAccumulator steps = progress.done();
      reports =
          BarrierStage.collect(
              shards,
              rows -> List.of(replica(task, computeNanos, steps, rows)).iterator(),
              ReplicaReport.class);
    }
    return new Result(
        reports.stream().sorted(Comparator.comparingInt(ReplicaReport::replica)).toList());
  }

  /**
   * One replica's update; replica 0 counts the optimizer steps into {@code steps} (the replicas
   * step in lockstep, so one count is the stage's).
   */
  private static ReplicaReport replica(
      Task s, LongAccumulator computeNanos, LongAccumulator steps, Iterator<Tuple2<Long, Row>> rows)
      throws IOException {
    Stopwatch task = Stopwatch.start();
    BarrierTaskContext context = BarrierTaskContext.get();
    int replica = context.partitionId();
    List<Tuple2<Long, Row>> mine = new ArrayList<>();
    rows.forEachRemaining(mine::add);
    mine.sort(Comparator.comparing(Tuple2::_1));
    List<ExperienceRow> shard = mine.stream().map(t -> ExperienceTable.fromRow(t._2())).toList();
    int shardFrom = ContiguousPartitioner.shardStart(replica, s.replicas(), s.order().size());
    RunLayout layout = RunLayout.of(s.runRoot());
    String start = layout.checkpoint(s.iteration() - 1).toString();
    // With one replica there is nothing to shard: the replicated optimizer, which is the same.
    boolean sharded = s.settings().sharding() == OptimizerSharding.OPTIMIZER && s.replicas() > 1;
    // Local folders of the start checkpoint: itself on a local run directory, else cached copies.
    Path optimizers = CheckpointCache.local(start + "/optimizer");
    // The update trains in float32 whatever model.dtype says (see Qwen2Decoder.dtype()).
    Device device = TaskDevices.current();
    try (NDManager manager = NDManager.newBaseManager(device);
        PolicyModel policy = PolicyModel.load(CheckpointCache.local(start + "/policy"), manager);
        CriticModel critic =
            CriticModel.load(
                CheckpointCache.local(start + "/critic"), manager, ValueHeadInit.DEFAULT, 0);
        RingAllReduce ring = BarrierRing.open(context)) {
      RingSum ringSum = new RingSum(ring);
      CheckpointDtype dtype = s.settings().checkpointDtype();
      boolean masters = dtype.needsMasters();
      restoreMasters(policy, optimizers, POLICY);
      restoreMasters(critic, optimizers, CRITIC);
      try (ReplicaOptimizer policyOptimizer =
              optimizer(
                  s.settings().policyOptimizer(),
                  manager,
                  policy.parameters(),
                  optimizers,
                  POLICY,
                  ringSum,
                  sharded,
                  masters);
          ReplicaOptimizer criticOptimizer =
              optimizer(
                  s.settings().criticOptimizer(),
                  manager,
                  critic.parameters(),
                  optimizers,
                  CRITIC,
                  ringSum,
                  sharded,
                  masters)) {
        double loadSeconds = task.seconds();
        Stopwatch training = Stopwatch.start();
        ReplicaTrainer.Report report;
        try (IntraOpThreads threads = IntraOpThreads.use(s.threads())) {
          report =
              new ReplicaTrainer(policy, critic, s.settings().trainer(s.iteration()))
                  .update(
                      shard,
                      shardFrom,
                      s.order().responseLengths(),
                      policyOptimizer,
                      criticOptimizer,
                      replica == 0 ? () -> steps.add(1) : () -> {});
        }
        long allReduceWaitNanos = ring.waitedNanos();
        long trainingComputeNanos = training.nanos() - ringSum.nanos();
        computeNanos.add(trainingComputeNanos);
        FaultPoints.reach("update");
        float[] diagnostics = diagnostics(report.policyDiagnostics());
        ring.sumInPlace(diagnostics);
        String policyDigest = ParameterDigest.of(policy.parameters());
        String criticDigest = ParameterDigest.of(critic.parameters());
        // Task 0 also draws the id of the checkpoint attempt every task writes into.
        String[] gathered =
            ring.allGather(
                policyDigest
                    + ":"
                    + criticDigest
                    + (replica == 0 ? " " + CheckpointStore.newAttempt() : ""));
        if (Arrays.stream(gathered).map(g -> g.split(" ")[0]).distinct().count() != 1) {
          throw new IllegalStateException(
              "replicas diverged after the update (parameter digests differ): "
                  + Arrays.toString(gathered));
        }
        String attempt = gathered[0].split(" ")[1];
        long optimizerBytes =
            policyOptimizer.stateBytes(policy.parameters())
                + criticOptimizer.stateBytes(critic.parameters());
        boolean applied = report.allApplied();
        String refusal = applied ? null : refusal(report);
        if (applied) {
          CheckpointStore checkpoints =
              new CheckpointStore(RunStore.open(RunStore.hadoopConf(), layout));
          Map<String, String> parts = new TreeMap<>();
          if (sharded) {
            // Every replica writes its own optimizer shards, in parallel; task 0 commits them.
            Map<String, String> written =
                checkpoints.writePart(
                    s.iteration(),
                    attempt,
                    folder -> {
                      save(
                          policyOptimizer,
                          folder.resolve(shardFile(POLICY, replica, s.replicas())));
                      save(
                          criticOptimizer,
                          folder.resolve(shardFile(CRITIC, replica, s.replicas())));
                    });
            for (String sums : ring.allGather(JSON.writeValueAsString(written))) {
              parts.putAll(JSON.readValue(sums, new TypeReference<Map<String, String>>() {}));
            }
          }
          if (replica == 0) {
            Map<String, Object> update =
                updateFigures(
                    s,
                    report,
                    diagnostics,
                    policyDigest,
                    criticDigest,
                    ringSum,
                    allReduceWaitNanos,
                    optimizerBytes,
                    sharded,
                    new TaskTimes(loadSeconds, trainingComputeNanos / 1e9, task));
            // update.json holds this attempt's timings: a retried barrier stage keeps the
            // committed one.
            checkpoints.commit(
                s.iteration(),
                attempt,
                Set.of(UPDATE_FILE),
                parts,
                folder -> {
                  policy.save(folder.resolve("policy"), dtype.safetensors());
                  critic.save(folder.resolve("critic"), dtype.safetensors());
                  if (!sharded) {
                    save(policyOptimizer, folder.resolve(POLICY_OPTIMIZER));
                    save(criticOptimizer, folder.resolve(CRITIC_OPTIMIZER));
                  }
                  if (!sharded && masters) {
                    policy.writeMasters(folder.resolve(mastersFile(POLICY)));
                    critic.writeMasters(folder.resolve(mastersFile(CRITIC)));
                  }
                  JSON.writeValue(folder.resolve(STATE_FILE).toFile(), s.state().toJson());
                  JSON.writeValue(folder.resolve(UPDATE_FILE).toFile(), update);
                });
          }
        }
        return new ReplicaReport(
            replica,
            GpuStages.placement(),
            shard.size(),
            applied,
            refusal,
            policyDigest,
            criticDigest,
            ringSum.calls(),
            ringSum.nanos() / 1e9,
            allReduceWaitNanos / 1e9,
            optimizerBytes,
            task.seconds());
      }
    }
  }

  /** {@code optimizer/<model>.shard-<rank>-of-<ranks>.adamw}: replica rank's optimizer shard. */
  static String shardFile(String model, int rank, int ranks) {
    return String.format("optimizer/%s.shard-%05d-of-%05d.adamw", model, rank, ranks);
  }

  /**
   * The shard files of {@code model} in a checkpoint's local {@code optimizer} folder, in rank
   * order; empty when the checkpoint holds a replicated state. A set with a shard missing fails.
   */
  static List<Path> shardFiles(Path optimizers, String model) throws IOException {
    Pattern name = Pattern.compile(Pattern.quote(model) + "\\.shard-(\\d{5})-of-(\\d{5})\\.adamw");
    List<Path> found = new ArrayList<>();
    int ranks = -1;
    if (Files.isDirectory(optimizers)) {
      try (Stream<Path> files = Files.list(optimizers)) {
        for (Path file : files.sorted().toList()) {
          Matcher m = name.matcher(file.getFileName().toString());
          if (m.matches()) {
            int of = Integer.parseInt(m.group(2));
            if ((ranks >= 0 && of != ranks) || Integer.parseInt(m.group(1)) != found.size()) {
              throw new IOException(
                  "optimizer shards of " + model + " do not form one set: " + file);
            }
            ranks = of;
            found.add(file);
          }
        }
      }
    }
    if (ranks >= 0 && found.size() != ranks) {
      throw new IOException(
          "optimizer of " + model + ": " + found.size() + " of " + ranks + " shard files");
    }
    return found;
  }

  /**
   * The optimizer of one model, loaded from the start checkpoint's {@code optimizers} folder,
   * whichever way that state was saved (replicated, or sharded over any number of replicas).
   */
  private static ReplicaOptimizer optimizer(
      AdamW.Config config,
      NDManager manager,
      ParameterList params,
      Path optimizers,
      String model,
      RingSum ring,
      boolean sharded,
      boolean masters)
      throws IOException {
    List<Path> shards = shardFiles(optimizers, model);
    List<InputStream> streams = open(shards);
    try {
      InputStream replicated = null;
      if (shards.isEmpty()) {
        replicated =
            new BufferedInputStream(Files.newInputStream(optimizers.resolve(model + ".adamw")));
        streams.add(replicated);
      }
      if (sharded) {
        ShardedAdamW adam =
            new ShardedAdamW(config, manager, params, 1, ring).savingMasters(masters);
        try {
          adam.load(params, replicated == null ? streams : List.of(), replicated);
        } catch (IOException | RuntimeException e) {
          adam.close();
          throw e;
        }
        return adam;
      }
      AdamW adam = new AdamW(config, manager);
      try {
        if (replicated != null) {
          adam.load(replicated);
        } else {
          adam.loadShards(params, streams);
        }
      } catch (IOException | RuntimeException e) {
        adam.close();
        throw e;
      }
      return new ReplicaOptimizer.Replicated(adam, ring.orLocal());
    } finally {
      for (InputStream in : streams) {
        in.close();
      }
    }
  }

  private static List<InputStream> open(List<Path> files) throws IOException {
    List<InputStream> streams = new ArrayList<>();
    try {
      for (Path file : files) {
        streams.add(new BufferedInputStream(Files.newInputStream(file)));
      }
    } catch (IOException e) {
      for (InputStream in : streams) {
        in.close();
      }
      throw e;
    }
    return streams;
  }

  /** {@code optimizer/<model>.master.safetensors}: a replicated state's fp32 master weights. */
  static String mastersFile(String model) {
    return "optimizer/" + model + ".master.safetensors";
  }

  /**
   * Puts the fp32 master weights of the start checkpoint back into {@code model} where the
   * checkpoint has them (its weights were written rounded, {@code checkpoint.dtype}): from the
   * shard files of a sharded state, else from the replicated state's masters file.
   */
  private static void restoreMasters(Qwen2Model model, Path optimizers, String name)
      throws IOException {
    List<Path> shards = shardFiles(optimizers, name);
    if (!shards.isEmpty()) {
      List<InputStream> streams = open(shards);
      try {
        ShardedAdamW.restoreMasters(model.parameters(), streams);
      } finally {
        for (InputStream in : streams) {
          in.close();
        }
      }
      return;
    }
    Path masters = optimizers.getParent().resolve(mastersFile(name));
    if (Files.exists(masters)) {
      model.readMasters(masters);
    }
  }

  /** Saves an optimizer's state (its shard, for a sharded one) to {@code file}. */
  private static void save(ReplicaOptimizer optimizer, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      optimizer.save(out);
    }
  }

  /** The policy-loss diagnostics as sums that add up over replicas. */
  private static float[] diagnostics(PolicyLoss.Diagnostics d) {
    if (d == null) {
      return new float[5];
    }
    return new float[] {
      d.tokens(), (float) d.clippedTokens(), (float) d.approxKlSum(), (float) d.entropySum(), 1
    };
  }

  private static String refusal(ReplicaTrainer.Report report) {
    List<UpdateSchedule.Report> all = new ArrayList<>(report.policySteps());
    all.addAll(report.criticSteps());
    return all.stream()
        .filter(r -> !r.step().applied())
        .map(r -> r.step().refusal())
        .findFirst()
        .orElse("refused");
  }

  /**
   * Where replica 0's task time went: before the first optimizer step, model compute, and the
   * task's clock (read when the figures are written, just before the checkpoint).
   */
  private record TaskTimes(double loadSeconds, double computeSeconds, Stopwatch task) {}

  private static Map<String, Object> updateFigures(
      Task s,
      ReplicaTrainer.Report report,
      float[] diagnostics,
      String policyDigest,
      String criticDigest,
      RingSum ring,
      long allReduceWaitNanos,
      long optimizerBytes,
      boolean sharded,
      TaskTimes times) {
    int calls = ring.calls();
    long allReduceNanos = ring.nanos();
    Map<String, Object> figures = new LinkedHashMap<>();
    UpdateSchedule.Report policyStep = report.policySteps().get(report.policySteps().size() - 1);
    double clipFraction = diagnostics[0] > 0 ? diagnostics[1] / diagnostics[0] : 0.0;
    double approxKl = diagnostics[0] > 0 ? diagnostics[2] / diagnostics[0] : 0.0;
    double entropy = diagnostics[0] > 0 ? diagnostics[3] / diagnostics[0] : Double.NaN;
    UpdateSchedule.Report criticStep = report.criticSteps().get(report.criticSteps().size() - 1);
    figures.put(
        IterationMetrics.LOSS_POLICY.name(),
        report.policySteps().stream()
            .mapToDouble(UpdateSchedule.Report::loss)
            .average()
            .orElse(Double.NaN));
    figures.put(
        IterationMetrics.LOSS_VALUE.name(),
        report.criticSteps().stream()
            .mapToDouble(UpdateSchedule.Report::loss)
            .average()
            .orElse(Double.NaN));
    figures.put(IterationMetrics.CLIP_FRACTION.name(), clipFraction);
    figures.put(IterationMetrics.APPROX_KL.name(), approxKl);
    figures.put(IterationMetrics.POLICY_ENTROPY.name(), entropy);
    figures.put(IterationMetrics.GRAD_NORM.name(), policyStep.step().gradNorm());
    figures.put(
        IterationMetrics.CRITIC_GRAD_NORM.name(),
        report.criticSteps().stream()
            .mapToDouble(r -> r.step().gradNorm())
            .average()
            .orElse(Double.NaN));
    figures.put(IterationMetrics.POLICY_LR.name(), policyStep.step().learningRate());
    figures.put(IterationMetrics.POLICY_STEPS.name(), (double) policyStep.step().step());
    figures.put(IterationMetrics.CRITIC_STEPS.name(), (double) criticStep.step().step());
    figures.put(IterationMetrics.REPLICAS.name(), (double) s.replicas());
    figures.put(IterationMetrics.ALLREDUCE_CALLS.name(), (double) calls);
    figures.put(
        IterationMetrics.ALLREDUCE_SECONDS_PER_STEP.name(),
        calls == 0 ? 0.0 : allReduceNanos / 1e9 / calls);
    figures.put(
        IterationMetrics.ALLREDUCE_WAIT_SECONDS_PER_STEP.name(),
        calls == 0 ? 0.0 : allReduceWaitNanos / 1e9 / calls);
    figures.put(IterationMetrics.UPDATE_TASK_SECONDS.name(), times.task().seconds());
    figures.put(IterationMetrics.UPDATE_LOAD_SECONDS.name(), times.loadSeconds());
    figures.put(IterationMetrics.UPDATE_COMPUTE_SECONDS.name(), times.computeSeconds());
    figures.put(
        OPTIMIZER_SHARDING,
        RunSetting.choiceName(sharded ? OptimizerSharding.OPTIMIZER : OptimizerSharding.NONE));
    figures.put(IterationMetrics.OPTIMIZER_BYTES.name(), (double) optimizerBytes);
    figures.put("digest/policy", policyDigest);
    figures.put("digest/critic", criticDigest);
    return figures;
  }
}
