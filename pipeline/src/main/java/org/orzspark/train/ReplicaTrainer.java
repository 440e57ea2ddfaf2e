package org.orzspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.orzspark.model.ActivationMemory;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.TokenBatch;
import org.orzspark.model.TokenLogProbs;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.GradientAllReduce;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.LossWeights;
import org.orzspark.ppo.MiniBatches;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.ReplicaOptimizer;
import org.orzspark.ppo.UpdateSchedule;
import org.orzspark.ppo.ValueLoss;
import org.orzspark.train.MicroBatches.MicroBatch;

/**
 * One data-parallel replica's part of an iteration's update: the policy's optimizer step(s) over
 * all of the experience, then the critic's mini-batch steps, with gradients summed over replicas by
 * {@code allReduce} at every step.
 *
 * <p>The experience is one global list in a canonical order (rows {@code 0..total-1}); this replica
 * holds rows {@code [shardFrom, shardFrom + shard.size())}. Every loss is weighted with the
 * normaliser of the WHOLE (mini-)batch, computed from the global response lengths that every
 * replica knows, so the plain sum of the replicas' gradients is the single-replica gradient.
 */
public final class ReplicaTrainer {

  /**
   * The update's hyper-parameters.
   *
   * @param activations what the training forwards keep for the backward pass (the same gradients in
   *     every mode; memory and compute differ)
   * @param packing micro-batches of several sequences per row ({@link MicroBatches#plan}; the same
   *     gradients, less padding)
   */
  public record Settings(
      LossReduction reduction,
      PolicyLoss policyLoss,
      ValueLoss valueLoss,
      int policyMiniBatches,
      int criticMiniBatches,
      int tokenBudget,
      long shuffleSeed,
      ActivationMemory activations,
      boolean packing)
      implements java.io.Serializable {

    /** Padded micro-batches whose forwards recompute the logits only (no layer checkpointing). */
    public Settings(
        LossReduction reduction,
        PolicyLoss policyLoss,
        ValueLoss valueLoss,
        int policyMiniBatches,
        int criticMiniBatches,
        int tokenBudget,
        long shuffleSeed) {
      this(
          reduction,
          policyLoss,
          valueLoss,
          policyMiniBatches,
          criticMiniBatches,
          tokenBudget,
          shuffleSeed,
          ActivationMemory.RECOMPUTE_LOGITS,
          false);
    }

    /** The optimizer steps of one update: a step per policy and per critic mini-batch. */
    public int steps() {
      return policyMiniBatches + criticMiniBatches;
    }
  }

  /** What the replica did: the optimizer reports and the policy-loss diagnostics of its rows. */
  public record Report(
      List<UpdateSchedule.Report> policySteps,
      List<UpdateSchedule.Report> criticSteps,
      PolicyLoss.Diagnostics policyDiagnostics) {

    public boolean allApplied() {
      return policySteps.stream().allMatch(r -> r.step().applied())
          && criticSteps.stream().allMatch(r -> r.step().applied());
    }
  }

  private final PolicyModel policy;
  private final CriticModel critic;
  private final Settings settings;

  public ReplicaTrainer(PolicyModel policy, CriticModel critic, Settings settings) {
    this.policy = policy;
    this.critic = critic;
    this.settings = settings;
  }

  /**
   * @param shard this replica's experience rows, global rows {@code [shardFrom, shardFrom + size)}
   * @param responseLengths the response length of every global row (for token-mean normalisers)
   * @param stepDone called after each of the update's {@link Settings#steps()} optimizer steps (a
   *     progress bar counts them)
   */
  public Report update(
      List<ExperienceRow> shard,
      int shardFrom,
      int[] responseLengths,
      AdamW policyOptimizer,
      AdamW criticOptimizer,
      GradientAllReduce allReduce,
      Runnable stepDone) {
    return update(
        shard,
        shardFrom,
        responseLengths,
        new ReplicaOptimizer.Replicated(policyOptimizer, allReduce),
        new ReplicaOptimizer.Replicated(criticOptimizer, allReduce),
        stepDone);
  }

  /**
   * The update with each model's optimizer summing gradients its own way over the replicas
   * (replicated after an all-reduce, or sharded).
   *
   * @param shard this replica's experience rows, global rows {@code [shardFrom, shardFrom + size)}
   * @param responseLengths the response length of every global row (for token-mean normalisers)
   * @param stepDone called after every optimizer step (policy and critic), e.g. for a progress bar
   */
  public Report update(
      List<ExperienceRow> shard,
      int shardFrom,
      int[] responseLengths,
      ReplicaOptimizer policyOptimizer,
      ReplicaOptimizer criticOptimizer,
      Runnable stepDone) {
    int total = responseLengths.length;
    List<ScoredResponse> responses = shard.stream().map(ExperienceRow::response).toList();
    PolicyLoss.Diagnostics[] diagnostics = {null};

    List<int[]> policyPlan =
        settings.policyMiniBatches() == 1
            ? List.of(MiniBatches.range(0, total))
            : MiniBatches.shuffled(total, settings.policyMiniBatches(), settings.shuffleSeed());
    List<UpdateSchedule.Report> policySteps =
        steps(
            policyPlan,
            policy.parameters(),
            policyOptimizer,
            shardFrom,
            responseLengths,
            responses,
            stepDone,
            (micro, scope, normaliser) -> {
              TokenBatch batch = micro.tokens(responses);
              TokenLogProbs predicted =
                  policy.tokenLogProbsAndEntropy(batch, scope, settings.activations());
              PolicyLoss.Result result =
                  settings
                      .policyLoss()
                      .compute(
                          predicted.logProbs(),
                          perToken(scope, shard, responses, micro, ExperienceRow::oldLogProbs),
                          perToken(scope, shard, responses, micro, ExperienceRow::advantages),
                          weights(micro, batch, responses, normaliser, scope),
                          null,
                          predicted.entropy());
              diagnostics[0] =
                  diagnostics[0] == null
                      ? result.diagnostics()
                      : diagnostics[0].merge(result.diagnostics());
              return result.loss();
            });

    List<int[]> criticPlan =
        MiniBatches.shuffled(total, settings.criticMiniBatches(), settings.shuffleSeed() + 1);
    List<UpdateSchedule.Report> criticSteps =
        steps(
            criticPlan,
            critic.parameters(),
            criticOptimizer,
            shardFrom,
            responseLengths,
            responses,
            stepDone,
            (micro, scope, normaliser) -> {
              TokenBatch batch = micro.tokens(responses);
              NDArray values =
                  MicroBatches.actionValues(critic.values(batch, scope, settings.activations()));
              return settings
                  .valueLoss()
                  .compute(
                      values,
                      perToken(scope, shard, responses, micro, ExperienceRow::values),
                      perToken(scope, shard, responses, micro, ExperienceRow::returns),
                      weights(micro, batch, responses, normaliser, scope))
                  .loss();
            });
    return new Report(policySteps, criticSteps, diagnostics[0]);
  }

  /** A mini-batch's loss on one micro-batch, given the whole mini-batch's normaliser. */
  private interface NormalisedLoss {
    NDArray loss(MicroBatch micro, NDManager scope, double normaliser);
  }

  /**
   * One optimizer step of {@code params} per mini-batch of {@code plan}: this replica's
   * micro-batches of it, each loss divided by the mini-batch's normaliser; {@code stepDone} after
   * each.
   */
  private List<UpdateSchedule.Report> steps(
      List<int[]> plan,
      ParameterList params,
      ReplicaOptimizer optimizer,
      int shardFrom,
      int[] responseLengths,
      List<ScoredResponse> responses,
      Runnable stepDone,
      NormalisedLoss loss) {
    List<UpdateSchedule.Report> reports = new ArrayList<>();
    for (int[] miniBatch : plan) {
      double normaliser = normaliser(miniBatch, responseLengths);
      reports.add(
          UpdateSchedule.step(
              params,
              optimizer,
              localMicroBatches(miniBatch, shardFrom, responses),
              (micro, scope) -> loss.loss(micro, scope, normaliser)));
      stepDone.run();
    }
    return reports;
  }

  /** The whole (mini-)batch's count: sequences, or response tokens for token-mean reduction. */
  private double normaliser(int[] globalRows, int[] responseLengths) {
    if (settings.reduction() == LossReduction.SEQUENCE_MEAN) {
      return globalRows.length;
    }
    long tokens = 0;
    for (int row : globalRows) {
      tokens += responseLengths[row];
    }
    return tokens;
  }

  /**
   * The micro-batch's loss weights under the whole (mini-)batch's normaliser; each packed sequence
   * is its own sample.
   */
  private LossWeights weights(
      MicroBatch micro,
      TokenBatch batch,
      List<ScoredResponse> responses,
      double normaliser,
      NDManager scope) {
    return settings
        .reduction()
        .weights(
            micro.responseMask(scope, responses),
            scope.create(batch.segments(), new Shape(batch.rows(), batch.length())),
            normaliser);
  }

  /** This replica's rows of a global mini-batch, as local indices cut into micro-batches. */
  private List<MicroBatch> localMicroBatches(
      int[] globalRows, int shardFrom, List<ScoredResponse> responses) {
    int[] owned = MiniBatches.owned(globalRows, shardFrom, shardFrom + responses.size());
    int[] local = new int[owned.length];
    for (int i = 0; i < owned.length; i++) {
      local[i] = owned[i] - shardFrom;
    }
    return local.length == 0
        ? List.of()
        : MicroBatches.plan(
            responses,
            local,
            settings.tokenBudget(),
            settings.packing(),
            !settings.activations().recomputesLayers());
  }

  private static NDArray perToken(
      NDManager scope,
      List<ExperienceRow> shard,
      List<ScoredResponse> responses,
      MicroBatch micro,
      Function<ExperienceRow, float[]> field) {
    return micro.perResponseToken(scope, responses, row -> field.apply(shard.get(row)));
  }
}
