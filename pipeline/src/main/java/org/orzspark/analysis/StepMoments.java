package org.orzspark.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Step-moment detection: the iterations where several training series jump up together, as the ORZ
 * paper saw reward, response length and average correct reflection length do around iteration 680
 * of the 7B run.
 *
 * <p>The rule, for series {@code x} (one value per iteration, in iteration order; NaN where
 * undefined), window {@code w} and index {@code i}: {@code before = x[i-w .. i-1]}, {@code after =
 * x[i .. i+w-1]} (finite values only; each needs at least one), {@code Δ = mean(after) −
 * mean(before)},
 *
 * <ul>
 *   <li>relative jump {@code r = Δ / |mean(before)|} (+∞ when {@code mean(before) = 0 < Δ});
 *   <li>z-score {@code z = Δ / sd(before)}, population standard deviation (+∞ when {@code sd = 0 <
 *       Δ}).
 * </ul>
 *
 * Index {@code i} is a candidate when EVERY series has {@code r ≥ minRelativeJump} and {@code z ≥
 * minZ}. A step shows up as a run of adjacent candidates (the windows straddle it at several
 * offsets); each run yields one step moment, at the candidate whose smallest relative jump over the
 * series is largest (the earliest on ties), which for a clean step is its first raised value. The
 * first {@code w} and last {@code w - 1} indices cannot be candidates: an in-progress run reports a
 * step only once {@code w} iterations after it exist.
 */
public final class StepMoments {

  /**
   * @param window iterations on each side of a candidate ({@code ≥ 1})
   * @param minZ smallest jump in standard deviations of the previous window
   * @param minRelativeJump smallest jump relative to the previous window's mean
   */
  public record Rule(int window, double minZ, double minRelativeJump) {
    public static final int WINDOW_DEFAULT = 5;
    public static final double MIN_Z_DEFAULT = 3.0;
    public static final double MIN_RELATIVE_JUMP_DEFAULT = 0.1;
    public static final Rule DEFAULT =
        new Rule(WINDOW_DEFAULT, MIN_Z_DEFAULT, MIN_RELATIVE_JUMP_DEFAULT);

    public Rule {
      if (window < 1) {
        throw new IllegalArgumentException("step window must be at least 1, got " + window);
      }
      if (!(minZ >= 0) || !(minRelativeJump >= 0)) {
        throw new IllegalArgumentException(
            "step thresholds must be non-negative, got minZ="
                + minZ
                + ", minRelativeJump="
                + minRelativeJump);
      }
    }
  }

  /** The jump of one series at one index: relative to the previous mean, and in its sd units. */
  public record Jump(double relative, double z) {}

  /**
   * A detected step moment.
   *
   * @param index position in the series
   * @param jumps one per series, in the order the series were given
   */
  public record Step(int index, List<Jump> jumps) {
    /** The smallest relative jump over the series (the step's score). */
    public double score() {
      return jumps.stream().mapToDouble(Jump::relative).min().orElse(Double.NaN);
    }
  }

  private StepMoments() {}

  /**
   * The jump of {@code x} at {@code i} with window {@code w} (see the class comment), or null when
   * a window falls outside the series or holds no finite value.
   */
  public static Jump jump(double[] x, int i, int w) {
    if (i - w < 0 || i + w > x.length) {
      return null;
    }
    double[] before = moments(x, i - w, i);
    double[] after = moments(x, i, i + w);
    if (before == null || after == null) {
      return null;
    }
    double delta = after[0] - before[0];
    return new Jump(ratio(delta, Math.abs(before[0])), ratio(delta, before[1]));
  }

  /**
   * The step moments of series of equal length (e.g. reward mean, response length mean, correct
   * reflection length mean over iterations).
   */
  public static List<Step> detect(List<double[]> series, Rule rule) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("no series to detect steps in");
    }
    int n = series.get(0).length;
    for (double[] s : series) {
      if (s.length != n) {
        throw new IllegalArgumentException("series lengths differ: " + n + " and " + s.length);
      }
    }
    List<Step> steps = new ArrayList<>();
    Step best = null;
    for (int i = 0; i < n; i++) {
      Step candidate = candidate(series, i, rule);
      if (candidate == null) {
        if (best != null) {
          steps.add(best);
          best = null;
        }
      } else if (best == null || candidate.score() > best.score()) {
        best = candidate;
      }
    }
    if (best != null) {
      steps.add(best);
    }
    return steps;
  }

  private static Step candidate(List<double[]> series, int i, Rule rule) {
    List<Jump> jumps = new ArrayList<>();
    for (double[] s : series) {
      Jump j = jump(s, i, rule.window());
      if (j == null || !(j.relative() >= rule.minRelativeJump()) || !(j.z() >= rule.minZ())) {
        return null;
      }
      jumps.add(j);
    }
    return new Step(i, List.copyOf(jumps));
  }

  /** {mean, population sd} of the finite values of {@code x[from..to)}, or null when none. */
  private static double[] moments(double[] x, int from, int to) {
    double sum = 0;
    int count = 0;
    for (int k = from; k < to; k++) {
      if (Double.isFinite(x[k])) {
        sum += x[k];
        count++;
      }
    }
    if (count == 0) {
      return null;
    }
    double mean = sum / count;
    double squares = 0;
    for (int k = from; k < to; k++) {
      if (Double.isFinite(x[k])) {
        squares += (x[k] - mean) * (x[k] - mean);
      }
    }
    return new double[] {mean, Math.sqrt(squares / count)};
  }

  /** {@code delta / scale}, with a zero scale giving ±∞ (or 0 for no change). */
  private static double ratio(double delta, double scale) {
    if (scale == 0) {
      return delta == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, delta);
    }
    return delta / scale;
  }
}
