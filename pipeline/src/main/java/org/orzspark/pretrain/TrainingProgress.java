package org.orzspark.pretrain;

import java.util.Locale;
import org.orzspark.timing.Progress;

/** The console line printed while pre-training. */
final class TrainingProgress {

  private TrainingProgress() {}

  /**
   * {@code step 150/1500 loss 1.2345 lr 9.80e-04 |g| 0.83 12,345 tok/s elapsed 0:42 eta 6:18}; the
   * ETA assumes the remaining steps run as fast as the completed ones.
   */
  static String line(
      int step,
      int totalSteps,
      double loss,
      double learningRate,
      double gradNorm,
      double tokensPerSecond,
      double elapsedSeconds) {
    return String.format(
        Locale.ROOT,
        "step %d/%d  loss %.4f  lr %.2e  |g| %.2f  %,.0f tok/s  elapsed %s  eta %s",
        step,
        totalSteps,
        loss,
        learningRate,
        gradNorm,
        tokensPerSecond,
        Progress.clock(elapsedSeconds),
        Progress.clock(Progress.remainingSeconds(step, totalSteps, elapsedSeconds)));
  }
}
