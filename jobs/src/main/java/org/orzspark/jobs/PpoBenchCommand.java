package org.orzspark.jobs;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.orzspark.autograd.HostChunks;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.AdvantageNormalization;
import org.orzspark.ppo.AdvantageStats;
import org.orzspark.ppo.Gae;
import org.orzspark.ppo.GradientAccumulator;
import org.orzspark.ppo.Gradients;
import org.orzspark.ppo.LossReduction;
import org.orzspark.ppo.LossWeights;
import org.orzspark.ppo.PolicyLoss;
import org.orzspark.ppo.WarmupSchedule;
import org.orzspark.timing.Stopwatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz bench ppo}: the cost of the PPO math around the model, on the local engine (CPU or
 * GPU): GAE and normalisation, the policy loss with its backward pass, one AdamW step, and the
 * gradient flatten/unflatten a data-parallel all-reduce pays. Prints the median of the repeats.
 */
@Command(
    name = "ppo",
    mixinStandardHelpOptions = true,
    description =
        "PPO math throughput: GAE + normalisation, policy loss + backward, AdamW step, "
            + "gradient flatten/unflatten.")
public final class PpoBenchCommand implements Callable<Integer> {

  @Option(
      names = "--rows",
      defaultValue = "64",
      description = "Rows B of the [B, T] token batch (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(
      names = "--length",
      defaultValue = "8000",
      description = "Tokens T per row (default: ${DEFAULT-VALUE}).")
  int length;

  @Option(
      names = "--parameters",
      defaultValue = "10000000",
      description =
          "Trainable scalars for the AdamW and flatten figures (default: ${DEFAULT-VALUE}).")
  int parameters;

  @Option(
      names = "--repeats",
      defaultValue = "5",
      description = "Timed repeats per figure, after one warm-up (default: ${DEFAULT-VALUE}).")
  int repeats;

  /**
   * Median figures.
   *
   * @param gaeTokensPerSecond GAE + batch statistics + normalisation over the [B, T] batch
   * @param policyLossTokensPerSecond clipped policy loss and its backward pass (no model)
   * @param adamStepMillis one AdamW step (norm, clip, moments, update) over {@code parameters}
   * @param flattenMillis gradients to one host buffer (the all-reduce's send side)
   * @param unflattenMillis the host buffer back into the gradients (its receive side)
   */
  public record Result(
      long tokens,
      int parameters,
      double gaeTokensPerSecond,
      double policyLossTokensPerSecond,
      double adamStepMillis,
      double flattenMillis,
      double unflattenMillis) {

    String describe() {
      return String.format(
          Locale.ROOT,
          "ppo bench on %s: %d tokens, %d parameters%n"
              + "  GAE + normalisation   %,.0f tokens/s%n"
              + "  policy loss + backward %,.0f tokens/s%n"
              + "  AdamW step            %.2f ms%n"
              + "  gradient flatten      %.2f ms%n"
              + "  gradient unflatten    %.2f ms",
          Engine.getInstance().defaultDevice(),
          tokens,
          parameters,
          gaeTokensPerSecond,
          policyLossTokensPerSecond,
          adamStepMillis,
          flattenMillis,
          unflattenMillis);
    }
  }

  @Override
  public Integer call() {
    System.out.println(run(rows, length, parameters, repeats).describe());
    return 0;
  }

  public static Result run(int rows, int length, int parameters, int repeats) {
    if (rows < 1 || length < 2 || parameters < 1 || repeats < 1) {
      throw new IllegalArgumentException(
          "Invalid bench sizes: rows "
              + rows
              + ", length "
              + length
              + ", parameters "
              + parameters
              + ", repeats "
              + repeats);
    }
    long tokens = (long) rows * length;
    Shape shape = new Shape(rows, length);
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(42);
      NDArray values = manager.randomNormal(shape);
      NDArray mask = manager.ones(shape);
      NDArray rewards =
          Gae.terminalRewards(mask, manager.randomUniform(0, 1, new Shape(rows)).round());
      double gaeNanos =
          median(
              repeats,
              () -> {
                try (NDManager scope = manager.newSubManager()) {
                  Stopwatch clock = Stopwatch.start();
                  Gae.Result gae = Gae.compute(rewards, values, mask, null);
                  AdvantageNormalization.apply(
                          gae.advantages(), mask, AdvantageStats.of(gae.advantages(), mask))
                      .attach(scope);
                  gae.advantages().attach(scope);
                  gae.returns().attach(scope);
                  return clock.nanos();
                }
              });

      ParameterList logProbs = parameterList(manager.randomNormal(shape).mul(0.1f).sub(2));
      NDArray old =
          logProbs.get(0).getValue().getArray().add(manager.randomNormal(shape).mul(0.1f));
      NDArray advantages = manager.randomNormal(shape);
      double lossNanos =
          median(
              repeats,
              () -> {
                Stopwatch clock = Stopwatch.start();
                GradientAccumulator.accumulate(
                    logProbs,
                    List.of(0),
                    (unused, scope) -> {
                      LossWeights w = LossReduction.SEQUENCE_MEAN.weights(mask, null);
                      return PolicyLoss.ORZ
                          .compute(
                              logProbs.get(0).getValue().getArray(), old, advantages, w, null, null)
                          .loss();
                    });
                return clock.nanos();
              });

      ParameterList weights = parameterList(manager.randomNormal(new Shape(parameters)));
      GradientAccumulator.accumulate(
          weights,
          List.of(0),
          (unused, scope) -> weights.get(0).getValue().getArray().square().sum());
      double adamNanos;
      try (AdamW adam = new AdamW(AdamW.Config.orz(WarmupSchedule.policy()), manager)) {
        adamNanos =
            median(
                repeats,
                () -> {
                  Stopwatch clock = Stopwatch.start();
                  adam.step(weights);
                  return clock.nanos();
                });
      }
      ByteBuffer flat = HostChunks.buffer(parameters);
      double flattenNanos =
          median(
              repeats,
              () -> {
                Stopwatch clock = Stopwatch.start();
                Gradients.read(weights, 0, flat.clear().asFloatBuffer());
                return clock.nanos();
              });
      double unflattenNanos =
          median(
              repeats,
              () -> {
                Stopwatch clock = Stopwatch.start();
                Gradients.write(weights, 0, flat.clear());
                return clock.nanos();
              });
      return new Result(
          tokens,
          parameters,
          tokens / (gaeNanos / 1e9),
          tokens / (lossNanos / 1e9),
          adamNanos / 1e6,
          flattenNanos / 1e6,
          unflattenNanos / 1e6);
    }
  }

  private static ParameterList parameterList(NDArray array) {
    Parameter p = Parameter.builder().setName("bench").setType(Parameter.Type.WEIGHT).build();
    array.setRequiresGradient(true);
    p.setArray(array);
    ParameterList list = new ParameterList();
    list.add("bench", p);
    return list;
  }

  /** Median nanoseconds of {@code repeats} timed runs after one warm-up run. */
  private static double median(int repeats, LongSupplier timedRun) {
    timedRun.getAsLong();
    long[] times = new long[repeats];
    for (int i = 0; i < repeats; i++) {
      times[i] = timedRun.getAsLong();
    }
    Arrays.sort(times);
    return repeats % 2 == 1
        ? times[repeats / 2]
        : (times[repeats / 2 - 1] + times[repeats / 2]) / 2.0;
  }
}
