package org.orzspark.run;

import java.net.URI;
import org.apache.hadoop.fs.Path;

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
 * R/metrics/                      one row per iteration (Parquet) + metrics.jsonl, failures.jsonl
 * R/quarantine/                   rejected rows with the reason
 * R/eval/                         evaluation results, one row per checkpoint x benchmark (Parquet)
 * R/analysis/                     orz analyze tables (Parquet + CSV)
 * R/reports/                      HTML report with charts
 * </pre>
 *
 * <p>R is a Hadoop path ({@link RunStore} reaches it): {@code hdfs://…}, {@code s3a://…}, {@code
 * file:/…}, or a plain local path, which is made absolute ({@code file:/…}).
 */
public record RunLayout(Path root) {

  public RunLayout {
    URI uri = root.toUri();
    if (uri.getScheme() == null) {
      root = local(java.nio.file.Path.of(uri.getPath()));
    }
  }

  /** The layout of a local run directory. */
  public RunLayout(java.nio.file.Path root) {
    this(local(root));
  }

  /** The layout of {@code dir}: a local path or a Hadoop URI. */
  public static RunLayout of(String dir) {
    return new RunLayout(new Path(dir));
  }

  private static Path local(java.nio.file.Path path) {
    return new Path("file", null, path.toAbsolutePath().normalize().toString());
  }

  /**
   * The run directory's last name ({@code x} of {@code hdfs://nn/runs/x}), for application names.
   */
  public String name() {
    return root.getName();
  }

  /** {@code path} relative to the run directory, for messages. */
  public String relative(Path path) {
    String base = root.toUri().getPath();
    String full = path.toUri().getPath();
    return full.startsWith(base + "/") ? full.substring(base.length() + 1) : path.toString();
  }

  public Path runJson() {
    return new Path(root, "run.json");
  }

  public Path prompts() {
    return new Path(root, "prompts");
  }

  public Path checkpoints() {
    return new Path(root, "checkpoints");
  }

  public Path checkpoint(int iteration) {
    return new Path(checkpoints(), String.format("iter-%06d", iteration));
  }

  public Path rollouts() {
    return new Path(root, "rollouts");
  }

  public Path rollouts(int iteration) {
    return new Path(rollouts(), "iteration=" + iteration);
  }

  /** The rollout stage's unscored rows, removed once the scored rollouts are complete. */
  public Path generated(int iteration) {
    return new Path(new Path(rollouts(), "_generated"), "iteration=" + iteration);
  }

  public Path sampledPrompts(int iteration) {
    return new Path(new Path(rollouts(), "_prompts"), "iteration=" + iteration);
  }

  public Path experience() {
    return new Path(root, "experience");
  }

  public Path experience(int iteration) {
    return new Path(experience(), "iteration=" + iteration);
  }

  public Path metrics() {
    return new Path(root, "metrics");
  }

  public Path metrics(int iteration) {
    return new Path(metrics(), "iteration=" + iteration);
  }

  public Path metricsJsonl() {
    return new Path(metrics(), "metrics.jsonl");
  }

  /** Refused updates, one JSON line each. */
  public Path failuresJsonl() {
    return new Path(metrics(), "failures.jsonl");
  }

  public Path quarantine() {
    return new Path(root, "quarantine");
  }

  public Path eval() {
    return new Path(root, "eval");
  }

  /** The evaluations of one checkpoint; while it exists, pruning keeps that checkpoint. */
  public Path eval(int checkpoint) {
    return new Path(eval(), EvalTable.checkpointFolder(checkpoint));
  }

  /** The single writer's lock file ({@link RunLock}). */
  public Path lock() {
    return new Path(root, RunLock.FILE);
  }

  public Path analysis() {
    return new Path(root, "analysis");
  }

  public Path reports() {
    return new Path(root, "reports");
  }
}
