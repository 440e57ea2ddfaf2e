package org.orzspark.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import ai.djl.util.Pair;
import org.orzspark.autograd.Scalars;
import org.orzspark.model.PolicyModel;

/**
 * Supervised next-token training of a {@link PolicyModel} on the completion tokens of {@link
 * CompletionBatch}es: one Adam step per batch on the token-mean cross-entropy, with the global
 * gradient norm clipped, and a learning rate warmed up linearly then decayed along a cosine.
 *
 * <p>Opens a {@code GradientCollector} per step; DJL allows one per JVM at a time, so one trainer
 * runs at a time.
 */
public final class CompletionTrainer implements AutoCloseable {

  /**
   * @param learningRate peak learning rate, reached after {@code warmupSteps}
   * @param warmupSteps linear warm-up from 0
   * @param totalSteps steps of the run; the cosine reaches {@code learningRate * finalFraction}
   *     here
   * @param finalFraction the last step's learning rate relative to the peak
   * @param maxGradNorm gradients are scaled down when their global L2 norm exceeds this
   */
  public record Schedule(
      double learningRate,
      int warmupSteps,
      int totalSteps,
      double finalFraction,
      double maxGradNorm) {
    public Schedule {
      if (!(learningRate > 0)
          || warmupSteps < 0
          || totalSteps <= warmupSteps
          || !(maxGradNorm > 0)) {
        throw new IllegalArgumentException(
            String.format(
                "invalid schedule: need learningRate > 0, 0 <= warmupSteps < totalSteps,"
                    + " maxGradNorm > 0; got learningRate %s, warmupSteps %d, totalSteps %d,"
                    + " maxGradNorm %s",
                learningRate, warmupSteps, totalSteps, maxGradNorm));
      }
    }
  }

  /** What one step measured: the batch's mean loss and the gradient norm before clipping. */
  public record StepResult(double loss, double gradNorm) {}

  private final PolicyModel model;
  private final Optimizer optimizer;
  private final double maxGradNorm;
  private final NDManager manager;

  public CompletionTrainer(PolicyModel model, Schedule schedule) {
    this.model = model;
    this.maxGradNorm = schedule.maxGradNorm();
    this.optimizer = Optimizer.adam().optLearningRateTracker(learningRates(schedule)).build();
    this.manager = NDManager.newBaseManager();
  }

  /** The learning rate after {@code step} updates (DJL counts updates from 1). */
  static Tracker learningRates(Schedule schedule) {
    Tracker cosine =
        CosineTracker.builder()
            .setBaseValue((float) schedule.learningRate())
            .optFinalValue((float) (schedule.learningRate() * schedule.finalFraction()))
            .setMaxUpdates(schedule.totalSteps() - schedule.warmupSteps())
            .build();
    if (schedule.warmupSteps() == 0) {
      return cosine;
    }
    return WarmUpTracker.builder()
        .setMainTracker(cosine)
        .optWarmUpSteps(schedule.warmupSteps())
        .optWarmUpBeginValue(0f)
        .build();
  }

  /** One optimizer step on {@code batch}. */
  public StepResult step(CompletionBatch batch) {
    int rows = batch.tokens().rows();
    int length = batch.tokens().length();
    try (NDManager work = manager.newSubManager()) {
      float loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logProbs = model.tokenLogProbs(batch.tokens(), work);
        NDArray mask = work.create(batch.lossMask(), new Shape(rows, length));
        NDArray meanLoss =
            Scalars.dividedBy(logProbs.mul(mask).sum().neg(), Math.max(1, batch.lossTokens()));
        collector.backward(meanLoss);
        loss = meanLoss.getFloat();
      }
      double norm = globalGradNorm();
      float scale = norm > maxGradNorm ? (float) (maxGradNorm / norm) : 1f;
      for (Pair<String, Parameter> parameter : model.parameters()) {
        NDArray weight = parameter.getValue().getArray();
        NDArray gradient = weight.getGradient();
        if (scale < 1f) {
          gradient.muli(scale);
        }
        optimizer.update(parameter.getKey(), weight, gradient);
        // PyTorch accumulates gradients across backward passes: clear them in place.
        gradient.subi(gradient);
        gradient.close();
      }
      return new StepResult(loss, norm);
    }
  }

  private double globalGradNorm() {
    double sumOfSquares = 0;
    for (Pair<String, Parameter> parameter : model.parameters()) {
      // Results attach to the gradient's manager, the model's: close every one.
      try (NDArray gradient = parameter.getValue().getArray().getGradient();
          NDArray squares = gradient.square();
          NDArray sum = squares.sum()) {
        sumOfSquares += sum.getFloat();
      }
    }
    return Math.sqrt(sumOfSquares);
  }

  @Override
  public void close() {
    manager.close();
  }
}
