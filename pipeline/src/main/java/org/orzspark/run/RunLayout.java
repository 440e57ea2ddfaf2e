package org.orzspark.run;

import java.nio.file.Path;

/**
 * The run directory, as shared/DESIGN.md lays it out:
 *
 * <pre>
 * R/run.json                      frozen configuration
 * R/_lock.json                    the single writer's lock while orz iterate runs (RunLock)
 * R/prompts/                      the run's prompt set, frozen at init (Parquet, prompt schema)
 * R/checkpoints/iter-000007/      policy/, critic/ (Hugging Face layout), optimizer/, state.json,
 *                                 MANIFEST.json (checksums), _SUCCESS
 * R/rollouts/iteration=7/         one row per response (Parquet)
 * R/experience/iteration=7/       one row per response with token-level arrays (Parquet)
 * R/metrics/                      one row per iteration (Parquet) + metrics.jsonl
 * R/quarantine/                   rejected rows with the reason
 * R/eval/                         evaluation results, one row per checkpoint x benchmark (Parquet)
 * R/analysis/                     orz analyze tables (Parquet + CSV)
 * R/reports/                      HTML report with charts
 * </pre>
 */
public record RunLayout(Path root) {

  public RunLayout {
    root = root.toAbsolutePath().normalize();
  }

  public Path runJson() {
    return root.resolve("run.json");
  }

  public Path prompts() {
    return root.resolve("prompts");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path checkpoint(int iteration) {
    return checkpoints().resolve(String.format("iter-%06d", iteration));
  }

  public Path rollouts(int iteration) {
    return root.resolve("rollouts").resolve("iteration=" + iteration);
  }

  /** The rollout stage's unscored rows, removed once the scored rollouts are complete. */
  public Path generated(int iteration) {
    return root.resolve("rollouts").resolve("_generated").resolve("iteration=" + iteration);
  }

  public Path sampledPrompts(int iteration) {
    return root.resolve("rollouts").resolve("_prompts").resolve("iteration=" + iteration);
  }

  public Path experience(int iteration) {
    return root.resolve("experience").resolve("iteration=" + iteration);
  }

  public Path metrics() {
    return root.resolve("metrics");
  }

  public Path metrics(int iteration) {
    return metrics().resolve("iteration=" + iteration);
  }

  public Path metricsJsonl() {
    return metrics().resolve("metrics.jsonl");
  }

  public Path quarantine() {
    return root.resolve("quarantine");
  }

  public Path eval() {
    return root.resolve("eval");
  }

  /** The evaluations of one checkpoint; while it exists, pruning keeps that checkpoint. */
  public Path eval(int checkpoint) {
    return eval().resolve("checkpoint=" + checkpoint);
  }

  /** The single writer's lock file ({@link RunLock}). */
  public Path lock() {
    return root.resolve(RunLock.FILE);
  }

  public Path analysis() {
    return root.resolve("analysis");
  }

  public Path reports() {
    return root.resolve("reports");
  }
}
