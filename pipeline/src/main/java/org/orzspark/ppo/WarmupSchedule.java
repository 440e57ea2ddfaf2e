package org.orzspark.ppo;

/**
 * Learning rate constant after a linear warm-up (ORZ: 50 optimizer steps): the k-th optimizer step
 * (k = 1, 2, ...) uses {@code peak * min(1, k / warmupSteps)}. Unlike Hugging Face's
 * "constant_with_warmup" (which gives the first step lr 0), every step here moves the weights.
 *
 * @param peak the learning rate after warm-up; 0 freezes the weights (e.g. a policy held still
 *     while the critic warms up), as {@code optim.policy_lr} allows
 * @param warmupSteps optimizer steps to reach it; 0 means no warm-up
 */
public record WarmupSchedule(double peak, long warmupSteps) implements java.io.Serializable {
  public static final long WARMUP_STEPS_DEFAULT = 50;

  public static final double POLICY_LR_DEFAULT = 1e-6;

  public static final double CRITIC_LR_DEFAULT = 5e-6;

  public WarmupSchedule {
    if (!(peak >= 0) || Double.isInfinite(peak)) {
      throw new IllegalArgumentException("Invalid learning rate: " + peak + " (>= 0)");
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("Invalid warm-up steps: " + warmupSteps + " (>= 0)");
    }
  }

  public static WarmupSchedule policy() {
    return new WarmupSchedule(POLICY_LR_DEFAULT, WARMUP_STEPS_DEFAULT);
  }

  public static WarmupSchedule critic() {
    return new WarmupSchedule(CRITIC_LR_DEFAULT, WARMUP_STEPS_DEFAULT);
  }

  /** Learning rate of optimizer step {@code step} (1-based). */
  public double learningRate(long step) {
    if (step < 1) {
      throw new IllegalArgumentException("Invalid optimizer step: " + step + " (1-based)");
    }
    return warmupSteps == 0 ? peak : peak * Math.min(1.0, (double) step / warmupSteps);
  }
}
