package org.orzspark.pretrain;

import java.util.Locale;

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
    double eta = step == 0 ? 0 : elapsedSeconds / step * (totalSteps - step);
    return String.format(
        Locale.ROOT,
        "step %d/%d  loss %.4f  lr %.2e  |g| %.2f  %,.0f tok/s  elapsed %s  eta %s",
        step,
        totalSteps,
        loss,
        learningRate,
        gradNorm,
        tokensPerSecond,
        clock(elapsedSeconds),
        clock(eta));
  }

  /** Seconds as {@code m:ss}, or {@code h:mm:ss} from an hour. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
