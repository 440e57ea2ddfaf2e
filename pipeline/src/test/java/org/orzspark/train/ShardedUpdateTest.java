package org.orzspark.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.orzspark.autograd.HostChunks;
import org.orzspark.collective.LocalRings;
import org.orzspark.collective.RingAllReduce;
import org.orzspark.collective.RingSum;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.TestModels;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.GradientBuckets;
import org.orzspark.ppo.Gradients;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.ReplicaOptimizer;
import org.orzspark.ppo.ShardedAdamW;
import org.orzspark.ppo.UpdateSchedule;
import org.orzspark.ppo.ValueLoss;
import org.orzspark.ppo.WarmupSchedule;

/**
 * The sharded optimizer against the replicated one on the tiny Qwen2 policy and critic (1 policy
 * and 4 critic steps), K replicas over the TCP ring with unequal shards of the experience, the flat
 * vector cut into several all-reduce buckets: weights, gradient norms, losses and optimizer states
 * equal bit for bit, and a state saved by K replicas resumes on another K.
 */
class ShardedUpdateTest {
  private static final Qwen2Config CONFIG = TestModels.tied();
  private static final ReplicaTrainer.Settings SETTINGS =
      new ReplicaTrainer.Settings(
          LossReduction.TOKEN_MEAN, PolicyLoss.ORZ, ValueLoss.CLIPPED, 1, 4, 40, 11);

  /** Row boundaries of K unequal shards of the 9 rows. */
  private static final int[][] SPLITS = {{0, 9}, {0, 3, 9}, {0, 1, 4, 9}};

  private static List<ExperienceRow> experience;
  private static int[] lengths;
  private static int savedBucket;

  @BeforeAll
  static void setUp() {
    experience = ReplicaTrainerTest.experience();
    lengths = experience.stream().mapToInt(r -> r.response().responseLength()).toArray();
    // ~20k parameters in buckets of 4099 values: several buckets, segments cut across tensors.
    savedBucket = GradientBuckets.set(4099);
  }

  @AfterAll
  static void tearDown() {
    GradientBuckets.set(savedBucket);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void shardedEqualsReplicatedBitForBitWithUnequalShards(int k) throws Exception {
    List<Replica> replicated = run(k, false, null);
    List<Replica> sharded = run(k, true, null);
    Replica reference = replicated.get(0);
    assertThat(reference.report().allApplied()).isTrue();
    for (int r = 0; r < k; r++) {
      assertThat(sharded.get(r).policy()).as("policy, rank %d", r).isEqualTo(reference.policy());
      assertThat(sharded.get(r).critic()).as("critic, rank %d", r).isEqualTo(reference.critic());
      assertThat(steps(sharded.get(r).report())).isEqualTo(steps(reference.report()));
    }
    // The K shard files hold exactly the replicated optimizer's moments.
    assertThat(asReplicated(sharded, true)).isEqualTo(reference.policyState().get(0));
    assertThat(asReplicated(sharded, false)).isEqualTo(reference.criticState().get(0));
    long replicatedBytes = reference.stateBytes();
    long total = 0;
    for (Replica replica : sharded) {
      assertThat(replica.stateBytes())
          .isBetween(replicatedBytes / k - 64, replicatedBytes / k + 64);
      total += replica.stateBytes();
    }
    assertThat(total).isEqualTo(replicatedBytes);
  }

  /**
   * Two updates, the second resumed with another replica count: sharded over 2 then 3 replicas (the
   * K=2 shard files re-sharded for 3), replicated over 2 then 3, and sharded over 3 from the
   * replicated state: the same weights bit for bit.
   */
  @Test
  void aStateSavedByTwoReplicasResumesShardedOverThree() throws Exception {
    List<Replica> shardedFirst = run(2, true, null);
    List<Replica> replicatedFirst = run(2, false, null);
    assertThat(shardedFirst.get(0).policy()).isEqualTo(replicatedFirst.get(0).policy());

    Replica sharded = run(3, true, Start.of(shardedFirst, true)).get(2);
    Replica replicated = run(3, false, Start.of(replicatedFirst, false)).get(0);
    Replica converted = run(3, true, Start.of(replicatedFirst, false)).get(1);
    assertThat(sharded.report().policySteps().get(0).step().step()).isEqualTo(2);
    assertThat(sharded.policy()).isEqualTo(replicated.policy());
    assertThat(sharded.critic()).isEqualTo(replicated.critic());
    assertThat(converted.policy()).isEqualTo(replicated.policy());
    assertThat(converted.critic()).isEqualTo(replicated.critic());
    assertThat(sharded.policy()).isNotEqualTo(shardedFirst.get(0).policy());
  }

  /**
   * {@code checkpoint.dtype=bf16}: an update resumed from weights rounded to bf16 and sharded
   * optimizer files that carry the fp32 masters gives the weights of two updates in a row, bit for
   * bit; from the rounded weights alone it does not.
   */
  @Test
  void aResumeFromBf16WeightsAndShardedMastersContinuesAsAnUninterruptedRun() throws Exception {
    List<Replica> uninterrupted = run(2, true, null, 2, false);
    Replica resumed =
        run(2, true, Start.of(run(2, true, null, 1, true), true).roundedToBf16(), 1, false).get(0);
    assertThat(resumed.report().policySteps().get(0).step().step()).isEqualTo(2);
    assertThat(resumed.policy()).isEqualTo(uninterrupted.get(0).policy());
    assertThat(resumed.critic()).isEqualTo(uninterrupted.get(0).critic());

    Replica withoutMasters =
        run(2, true, Start.of(run(2, true, null, 1, false), true).roundedToBf16(), 1, false).get(0);
    assertThat(withoutMasters.policy()).isNotEqualTo(uninterrupted.get(0).policy());
  }

  /** What one replica ended with. */
  private record Replica(
      ReplicaTrainer.Report report,
      float[] policy,
      float[] critic,
      List<byte[]> policyState,
      List<byte[]> criticState,
      long stateBytes) {}

  /** Where a resumed update starts: trainable weights and saved optimizer files. */
  private record Start(
      float[] policy,
      float[] critic,
      List<byte[]> policyState,
      List<byte[]> criticState,
      boolean sharded) {
    /** Starts from what {@code replicas} ended with; a sharded state is every replica's file. */
    static Start of(List<Replica> replicas, boolean sharded) {
      List<byte[]> policy = new ArrayList<>();
      List<byte[]> critic = new ArrayList<>();
      for (Replica replica : sharded ? replicas : replicas.subList(0, 1)) {
        policy.addAll(replica.policyState());
        critic.addAll(replica.criticState());
      }
      return new Start(replicas.get(0).policy(), replicas.get(0).critic(), policy, critic, sharded);
    }

    /** This start with its weights rounded to bf16, as a bf16 checkpoint holds them. */
    Start roundedToBf16() {
      return new Start(bf16(policy), bf16(critic), policyState, criticState, sharded);
    }

    private static float[] bf16(float[] values) {
      float[] out = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        int bits = Float.floatToRawIntBits(values[i]);
        // Round to nearest even on the upper 16 bits (finite values only here).
        out[i] = Float.intBitsToFloat((bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000);
      }
      return out;
    }
  }

  /** K replicas as threads over one ring; each trains its shard of the experience. */
  private static List<Replica> run(int k, boolean sharded, Start start) throws Exception {
    return run(k, sharded, start, 1, false);
  }

  /**
   * K replicas as threads over one ring; each takes {@code updates} updates in a row on its shard
   * of the experience; {@code masters}: sharded states also save the fp32 master weights.
   */
  private static List<Replica> run(
      int k, boolean sharded, Start start, int updates, boolean masters) throws Exception {
    List<RingAllReduce> rings = LocalRings.open(k, Duration.ofSeconds(30));
    ExecutorService pool = Executors.newFixedThreadPool(k);
    try {
      List<Future<Replica>> replicas = new ArrayList<>();
      for (int rank = 0; rank < k; rank++) {
        int r = rank;
        replicas.add(
            pool.submit(
                () -> {
                  try (RingAllReduce ring = rings.get(r)) {
                    int from = SPLITS[k - 1][r];
                    int to = SPLITS[k - 1][r + 1];
                    return train(
                        new RingSum(ring),
                        sharded,
                        start,
                        experience.subList(from, to),
                        from,
                        updates,
                        masters);
                  }
                }));
      }
      List<Replica> out = new ArrayList<>();
      for (Future<Replica> replica : replicas) {
        out.add(replica.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Replica train(
      RingSum ring,
      boolean sharded,
      Start start,
      List<ExperienceRow> shard,
      int from,
      int updates,
      boolean masters)
      throws IOException {
    AdamW.Config adam = AdamW.Config.orz(new WarmupSchedule(1e-2, 1));
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(CONFIG, 1, manager);
        CriticModel critic = CriticModel.random(CONFIG, 2, ValueHeadInit.DEFAULT, manager)) {
      if (start != null) {
        setWeights(policy.parameters(), start.policy());
        setWeights(critic.parameters(), start.critic());
        if (start.sharded()) {
          ShardedAdamW.restoreMasters(policy.parameters(), streams(start.policyState()));
          ShardedAdamW.restoreMasters(critic.parameters(), streams(start.criticState()));
        }
      }
      try (ReplicaOptimizer policyOptimizer =
              optimizer(
                  adam,
                  manager,
                  policy.parameters(),
                  ring,
                  sharded,
                  start == null ? null : start.policyState(),
                  start != null && start.sharded());
          ReplicaOptimizer criticOptimizer =
              optimizer(
                  adam,
                  manager,
                  critic.parameters(),
                  ring,
                  sharded,
                  start == null ? null : start.criticState(),
                  start != null && start.sharded())) {
        if (policyOptimizer instanceof ShardedAdamW p
            && criticOptimizer instanceof ShardedAdamW c) {
          p.savingMasters(masters);
          c.savingMasters(masters);
        }
        ReplicaTrainer.Report report = null;
        for (int u = 0; u < updates; u++) {
          report =
              new ReplicaTrainer(policy, critic, SETTINGS)
                  .update(shard, from, lengths, policyOptimizer, criticOptimizer, () -> {});
        }
        return new Replica(
            report,
            weights(policy.parameters()),
            weights(critic.parameters()),
            List.of(save(policyOptimizer)),
            List.of(save(criticOptimizer)),
            policyOptimizer.stateBytes(policy.parameters()));
      }
    }
  }

  private static byte[] save(ReplicaOptimizer optimizer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    optimizer.save(out);
    return out.toByteArray();
  }

  /** One model's optimizer, replicated or sharded, optionally loaded from saved files. */
  private static ReplicaOptimizer optimizer(
      AdamW.Config config,
      NDManager manager,
      ParameterList params,
      RingSum ring,
      boolean sharded,
      List<byte[]> saved,
      boolean savedSharded)
      throws IOException {
    if (sharded) {
      ShardedAdamW adam = new ShardedAdamW(config, manager, params, 1, ring);
      if (saved != null) {
        adam.load(
            params,
            savedSharded ? streams(saved) : List.of(),
            savedSharded ? null : streams(saved).get(0));
      }
      return adam;
    }
    AdamW adam = new AdamW(config, manager);
    if (saved != null) {
      if (savedSharded) {
        adam.loadShards(params, streams(saved));
      } else {
        adam.load(streams(saved).get(0));
      }
    }
    return new ReplicaOptimizer.Replicated(adam, ring);
  }

  /** The replicated state (its saved bytes) that the K shard files of one model load into. */
  private static byte[] asReplicated(List<Replica> sharded, boolean policyModel)
      throws IOException {
    List<byte[]> shards = new ArrayList<>();
    for (Replica replica : sharded) {
      shards.addAll(policyModel ? replica.policyState() : replica.criticState());
    }
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.random(CONFIG, 1, manager);
        CriticModel critic = CriticModel.random(CONFIG, 2, ValueHeadInit.DEFAULT, manager);
        AdamW adam = new AdamW(AdamW.Config.orz(new WarmupSchedule(1e-2, 1)), manager)) {
      adam.loadShards(policyModel ? policy.parameters() : critic.parameters(), streams(shards));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      adam.save(out);
      return out.toByteArray();
    }
  }

  private static List<InputStream> streams(List<byte[]> files) {
    return files.stream().map(b -> (InputStream) new ByteArrayInputStream(b)).toList();
  }

  /** Every step's gradient norm and loss, exactly. */
  private static List<String> steps(ReplicaTrainer.Report report) {
    List<UpdateSchedule.Report> all = new ArrayList<>(report.policySteps());
    all.addAll(report.criticSteps());
    return all.stream()
        .map(r -> r.step().gradNorm() + "/" + r.loss() + "/" + r.step().applied())
        .toList();
  }

  private static float[] weights(ParameterList params) {
    float[] out = new float[(int) Gradients.size(params)];
    Gradients.readParameters(params, 0, FloatBuffer.wrap(out));
    return out;
  }

  private static void setWeights(ParameterList params, float[] values) {
    ByteBuffer buffer = HostChunks.buffer(values.length);
    buffer.asFloatBuffer().put(values);
    Gradients.writeParameters(params, 0, buffer);
  }
}
