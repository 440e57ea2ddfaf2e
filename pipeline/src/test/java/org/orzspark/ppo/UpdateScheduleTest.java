package org.orzspark.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.orzspark.autograd.Scalars;

/**
 * Micro-batching and data parallelism change nothing but float rounding: the same gradient and the
 * same step as one replica computing everything in one micro-batch.
 */
class UpdateScheduleTest {
  private static final int ROWS = 14;
  private static final long SEED = 42;
  private static TinyModel policy0;
  private static TinyModel critic0;
  private static ToyExperience experience;

  @BeforeAll
  static void setUp() {
    policy0 = new TinyModel(TinyModel.VOCAB);
    critic0 = new TinyModel(1);
    experience = new ToyExperience(ROWS, SEED, policy0, critic0);
  }

  @AfterAll
  static void tearDown() {
    policy0.close();
    critic0.close();
  }

  @Test
  void microBatchSizeDoesNotChangeThePolicyStep() {
    int[] all = MiniBatches.range(0, ROWS);
    for (LossReduction reduction : LossReduction.values()) {
      double units = experience.units(reduction, all);
      Outcome whole = policyStep(all.length, reduction, units);
      assertThat(whole.report.step().applied()).isTrue();
      assertThat(whole.weights).isNotEqualTo(policy0.weights());
      double directLoss;
      try (TinyModel copy = replicaOf(policy0);
          ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
        directLoss = experience.policyLoss(copy, all, m, reduction, units).getFloat();
      }
      assertThat(whole.report.loss()).isCloseTo(directLoss, within(1e-6));
      for (int size : new int[] {1, 4}) {
        Outcome split = policyStep(size, reduction, units);
        assertClose(split.gradients, whole.gradients, 1e-6f, reduction + " micro-batch " + size);
        // The clipped gradients and Adam's first step are blind to the gradient's scale; the
        // pre-clip norm is not.
        assertThat(split.report.step().gradNorm())
            .isCloseTo(
                whole.report.step().gradNorm(), within(1e-5 * whole.report.step().gradNorm()));
        assertClose(split.weights, whole.weights, 1e-6f, reduction + " micro-batch " + size);
        assertThat(split.report.loss()).isCloseTo(whole.report.loss(), within(1e-5));
      }
    }
  }

  @Test
  void replicaGradientsSumToTheSingleReplicaGradientWithUnequalShards() throws Exception {
    int[] all = MiniBatches.range(0, ROWS);
    // Shards of 14, 3 + 11 and 2 + 5 + 7 rows, whose response-token counts differ as well.
    int[][] shardings = {{0, 14}, {0, 3, 14}, {0, 2, 7, 14}};
    for (LossReduction reduction : LossReduction.values()) {
      double units = experience.units(reduction, all);
      float[] single = gradient(all, reduction, units);
      double singleNorm = norm(single);
      for (int[] bounds : shardings) {
        String what = reduction + " K = " + (bounds.length - 1);
        List<float[]> replicas =
            runReplicas(
                bounds,
                (from, to, allReduce) -> {
                  // No clipping, so the gradients left after the step are the all-reduced ones.
                  try (TinyModel policy = replicaOf(policy0);
                      AdamW adam = new AdamW(unclippedOptimizer(), policy.manager())) {
                    UpdateSchedule.Report r =
                        UpdateSchedule.policy(
                            policy.parameters(),
                            adam,
                            MiniBatches.split(MiniBatches.range(from, to), 2),
                            (rows, scope) ->
                                experience.policyLoss(policy, rows, scope, reduction, units),
                            allReduce);
                    assertThat(r.step().gradNorm())
                        .as(what)
                        .isCloseTo(singleNorm, within(1e-5 * singleNorm));
                    return policy.gradients();
                  }
                });
        for (float[] replica : replicas) {
          // Every replica applies the same all-reduced gradient, bit for bit.
          assertThat(replica).as(what).isEqualTo(replicas.get(0));
          assertClose(replica, single, 1e-6f, what);
        }
      }
      // Control: each shard's own mean, averaged over the shards, is not the batch's gradient
      // when the shards differ in size, so the equality above is a real check of the weights.
      int[] small = MiniBatches.range(0, 3);
      int[] large = MiniBatches.range(3, ROWS);
      float[] a = gradient(small, reduction, experience.units(reduction, small));
      float[] b = gradient(large, reduction, experience.units(reduction, large));
      float[] naive = new float[single.length];
      double gap = 0;
      for (int i = 0; i < naive.length; i++) {
        naive[i] = (a[i] + b[i]) / 2;
        gap = Math.max(gap, Math.abs(naive[i] - single[i]));
      }
      assertThat(gap).as(reduction + " naive average").isGreaterThan(1e-3 * singleNorm);
    }
  }

  @Test
  void criticTakesTwelveShuffledStepsAndReplicasAgree() throws Exception {
    List<int[]> plan = MiniBatches.shuffled(ROWS, MiniBatches.CRITIC_MINI_BATCHES_DEFAULT, SEED);
    float[] single;
    try (TinyModel critic = replicaOf(critic0);
        AdamW adam = new AdamW(optimizer(), critic.manager())) {
      List<UpdateSchedule.Report> reports =
          UpdateSchedule.critic(
              critic.parameters(),
              adam,
              plan,
              rows -> MiniBatches.split(rows, 1),
              (rows, scope) -> experience.valueLoss(critic, rows, scope, planUnits(plan, rows)),
              GradientAllReduce.LOCAL);
      assertThat(reports).hasSize(12).allMatch(r -> r.step().applied());
      assertThat(adam.stepCount()).isEqualTo(12);
      single = critic.weights();
      assertThat(single).isNotEqualTo(critic0.weights());
    }
    // Replicas own rows [0,2), [2,7), [7,14); most own nothing of a 1- or 2-row mini-batch and
    // contribute zero gradients, yet every replica takes the same 12 steps.
    List<float[]> replicas =
        runReplicas(
            new int[] {0, 2, 7, 14},
            (from, to, allReduce) -> {
              try (TinyModel critic = replicaOf(critic0);
                  AdamW adam = new AdamW(optimizer(), critic.manager())) {
                UpdateSchedule.critic(
                    critic.parameters(),
                    adam,
                    plan,
                    rows -> MiniBatches.split(MiniBatches.owned(rows, from, to), 1),
                    (rows, scope) ->
                        experience.valueLoss(critic, rows, scope, planUnits(plan, rows)),
                    allReduce);
                assertThat(adam.stepCount()).isEqualTo(12);
                return critic.weights();
              }
            });
    for (float[] replica : replicas) {
      assertThat(replica).isEqualTo(replicas.get(0));
      assertClose(replica, single, 1e-6f, "critic replica");
    }
  }

  @Test
  void nonFiniteLossRefusesTheStepOnEveryReplica() throws Exception {
    double units = ROWS;
    float[] before = policy0.weights();
    List<float[]> replicas =
        runReplicas(
            new int[] {0, 5, 14},
            (from, to, allReduce) -> {
              try (TinyModel policy = replicaOf(policy0);
                  AdamW adam = new AdamW(optimizer(), policy.manager())) {
                UpdateSchedule.Report r =
                    UpdateSchedule.policy(
                        policy.parameters(),
                        adam,
                        MiniBatches.split(MiniBatches.range(from, to), 3),
                        (rows, scope) -> {
                          ai.djl.ndarray.NDArray loss =
                              experience.policyLoss(
                                  policy, rows, scope, LossReduction.SEQUENCE_MEAN, units);
                          // Replica 0's second micro-batch blows up.
                          return from == 0 && rows[0] == 3 ? Scalars.times(loss, Double.NaN) : loss;
                        },
                        allReduce);
                assertThat(r.step().applied()).isFalse();
                assertThat(r.step().refusal()).contains("non-finite loss");
                assertThat(adam.stepCount()).isZero();
                return policy.weights();
              }
            });
    for (float[] replica : replicas) {
      assertThat(replica).isEqualTo(before);
    }
  }

  @Test
  void nonFiniteLossOrGradientRefusesTheStepAndChangesNeitherWeightsNorOptimizerState()
      throws Exception {
    List<int[]> microBatches = MiniBatches.split(MiniBatches.range(0, ROWS), 4);
    double units = ROWS;
    try (TinyModel policy = replicaOf(policy0);
        AdamW adam = new AdamW(optimizer(), policy.manager());
        TinyModel straight = replicaOf(policy0);
        AdamW straightAdam = new AdamW(optimizer(), straight.manager())) {
      MicroBatchLoss<int[]> good =
          (rows, scope) ->
              experience.policyLoss(policy, rows, scope, LossReduction.SEQUENCE_MEAN, units);
      assertThat(step(policy, adam, microBatches, good).step().applied()).isTrue();
      float[] weights = policy.weights();
      byte[] state = state(adam);
      List<MicroBatchLoss<int[]>> bad =
          List.of(
              (rows, scope) -> Scalars.times(good.loss(rows, scope), Double.NaN),
              (rows, scope) ->
                  good.loss(rows, scope).add(scope.full(new Shape(), Float.POSITIVE_INFINITY)),
              // A finite loss whose gradient is NaN: d sqrt(x - x) / dx = inf - inf at x - x = 0.
              (rows, scope) -> {
                NDArray loss = good.loss(rows, scope);
                return loss.add(loss.sub(loss).sqrt());
              });
      String[] reasons = {"non-finite loss NaN", "non-finite loss Infinity", "non-finite gradient"};
      for (int i = 0; i < bad.size(); i++) {
        UpdateSchedule.Report r = step(policy, adam, microBatches, bad.get(i));
        assertThat(r.step().applied()).as(reasons[i]).isFalse();
        assertThat(r.step().refusal()).contains(reasons[i]);
        assertThat(r.step().step()).isEqualTo(1);
        assertThat(adam.stepCount()).isEqualTo(1);
        assertThat(policy.weights()).as(reasons[i]).isEqualTo(weights);
        assertThat(state(adam)).as(reasons[i]).isEqualTo(state);
      }
      // The refusals left no trace: the next good step is the second step of a run without them.
      assertThat(step(policy, adam, microBatches, good).step().applied()).isTrue();
      MicroBatchLoss<int[]> straightLoss =
          (rows, scope) ->
              experience.policyLoss(straight, rows, scope, LossReduction.SEQUENCE_MEAN, units);
      step(straight, straightAdam, microBatches, straightLoss);
      step(straight, straightAdam, microBatches, straightLoss);
      assertThat(policy.weights()).isEqualTo(straight.weights());
      assertThat(state(adam)).isEqualTo(state(straightAdam));
    }
  }

  private static UpdateSchedule.Report step(
      TinyModel model, AdamW adam, List<int[]> microBatches, MicroBatchLoss<int[]> loss) {
    return UpdateSchedule.policy(
        model.parameters(), adam, microBatches, loss, GradientAllReduce.LOCAL);
  }

  private static byte[] state(AdamW adam) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    adam.save(out);
    return out.toByteArray();
  }

  /** One replica's raw (unclipped) gradient of {@code rows} in one micro-batch. */
  private static float[] gradient(int[] rows, LossReduction reduction, double units) {
    try (TinyModel policy = replicaOf(policy0)) {
      GradientAccumulator.accumulate(
          policy.parameters(),
          List.of(rows),
          (r, scope) -> experience.policyLoss(policy, r, scope, reduction, units));
      return policy.gradients();
    }
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  /** Rows of the mini-batch containing {@code rows} in the plan: its sequence count. */
  private static double planUnits(List<int[]> plan, int[] rows) {
    for (int[] miniBatch : plan) {
      for (int r : miniBatch) {
        if (r == rows[0]) {
          return miniBatch.length;
        }
      }
    }
    throw new IllegalArgumentException("row not in plan");
  }

  private record Outcome(UpdateSchedule.Report report, float[] gradients, float[] weights) {}

  private static Outcome policyStep(int microBatchSize, LossReduction reduction, double units) {
    try (TinyModel policy = replicaOf(policy0);
        AdamW adam = new AdamW(optimizer(), policy.manager())) {
      UpdateSchedule.Report r =
          UpdateSchedule.policy(
              policy.parameters(),
              adam,
              MiniBatches.split(MiniBatches.range(0, ROWS), microBatchSize),
              (rows, scope) -> experience.policyLoss(policy, rows, scope, reduction, units),
              GradientAllReduce.LOCAL);
      return new Outcome(r, policy.gradients(), policy.weights());
    }
  }

  private static AdamW.Config optimizer() {
    // A large learning rate so that the step is far above float noise.
    return AdamW.Config.orz(new WarmupSchedule(0.01, 0));
  }

  private static AdamW.Config unclippedOptimizer() {
    return new AdamW.Config(new WarmupSchedule(0.01, 0), 0.9, 0.95, 1e-8, 0, 0);
  }

  private static TinyModel replicaOf(TinyModel source) {
    TinyModel copy = new TinyModel(source == critic0 ? 1 : TinyModel.VOCAB);
    copy.copyFrom(source);
    return copy;
  }

  private interface Replica {
    float[] run(int from, int to, GradientAllReduce allReduce) throws Exception;
  }

  /**
   * Runs one thread per shard {@code [bounds[k], bounds[k+1])} with an in-memory SUM all-reduce.
   */
  private static List<float[]> runReplicas(int[] bounds, Replica replica) throws Exception {
    int k = bounds.length - 1;
    InMemoryAllReduce reduce = new InMemoryAllReduce(k);
    ExecutorService pool = Executors.newFixedThreadPool(k);
    try {
      List<Future<float[]>> futures = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        int index = i;
        Callable<float[]> task =
            () -> replica.run(bounds[index], bounds[index + 1], local -> reduce.sum(index, local));
        futures.add(pool.submit(task));
      }
      List<float[]> out = new ArrayList<>();
      for (Future<float[]> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sums the replicas' vectors in replica order, so every replica receives identical floats. */
  private static final class InMemoryAllReduce {
    private final float[][] inputs;
    private final CyclicBarrier gathered;
    private final CyclicBarrier read;
    private volatile float[] sum;

    InMemoryAllReduce(int replicas) {
      inputs = new float[replicas][];
      gathered =
          new CyclicBarrier(
              replicas,
              () -> {
                float[] s = new float[inputs[0].length];
                for (float[] in : inputs) {
                  for (int j = 0; j < s.length; j++) {
                    s[j] += in[j];
                  }
                }
                sum = s;
              });
      read = new CyclicBarrier(replicas);
    }

    FloatBuffer sum(int replica, FloatBuffer local) {
      try {
        inputs[replica] = new float[local.remaining()];
        local.duplicate().get(inputs[replica]);
        gathered.await();
        FloatBuffer result = FloatBuffer.wrap(sum.clone());
        read.await();
        return result;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static void assertClose(float[] actual, float[] expected, float tol, String what) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("%s [%d]", what, i).isCloseTo(expected[i], within(tol));
    }
  }
}
