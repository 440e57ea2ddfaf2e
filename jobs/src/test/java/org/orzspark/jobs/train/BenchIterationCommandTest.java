package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.stages.MicroRuns;
import org.orzspark.testing.RepoPaths;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

class BenchIterationCommandTest {

  @Test
  void timesEveryStageAndAttributesModelComputeToTheModelStages(@TempDir Path dir)
      throws Exception {
    SparkSession spark = SharedSpark.session();
    Path base = MicroRuns.base(dir.resolve("base"));
    Path prompts = MicroRuns.prompts(spark, dir.resolve("prompts"), 12);
    BenchIterationCommand command = new BenchIterationCommand();
    new CommandLine(command)
        .parseArgs(
            "--base",
            base.toString(),
            "--profile",
            RepoPaths.root().resolve("conf/profiles/tiny-cpu.properties").toString(),
            "--set",
            "data.prompts_per_iteration=4",
            "--set",
            "rollout.samples_per_prompt=4",
            "--set",
            "rollout.max_response_tokens=8",
            "--set",
            "ppo.critic_minibatches=2",
            "--set",
            "update.replicas=2");
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    BenchIterationCommand.Result r =
        command.run(
            spark,
            dir.resolve("run"),
            command.configuration.resolve(base, prompts.toString()),
            2,
            3.0,
            new PrintStream(console, true, StandardCharsets.UTF_8));

    assertThat(r.metrics().get("iteration")).as("the last of two iterations").isEqualTo(2.0);
    assertThat(r.stageSeconds())
        .containsOnlyKeys("sample", "rollout", "score", "experience", "update", "metrics");
    assertThat(r.stageSeconds().values()).allSatisfy(s -> assertThat(s).isGreaterThan(0));
    for (String stage : new String[] {"rollout", "experience", "update"}) {
      TaskTimeListener.GroupTime t = r.tasks().get(stage);
      assertThat(t.tasks()).as(stage).isPositive();
      assertThat(t.computeSeconds()).as(stage).isPositive().isLessThanOrEqualTo(t.runSeconds());
    }
    assertThat(r.tasks().get("score").computeSeconds()).isZero();
    // two update replicas exchange gradients at every optimizer step (1 policy + 2 critic)
    assertThat(r.allReduceSteps()).isEqualTo(3);
    assertThat(r.allReduceSecondsPerStep()).isPositive();
    assertThat(r.allReduceWaitSecondsPerStep())
        .isNotNegative()
        .isLessThanOrEqualTo(r.allReduceSecondsPerStep());
    IterationBreakdown b = r.breakdown();
    double tasks =
        r.tasks().values().stream().mapToDouble(TaskTimeListener.GroupTime::runSeconds).sum();
    assertThat(b.taskSeconds()).isCloseTo(tasks, within(1e-9));
    assertThat(b.wallSeconds())
        .isCloseTo(
            r.stageSeconds().values().stream().mapToDouble(Double::doubleValue).sum(),
            within(1e-6));
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("Spark orchestration overhead")
        .containsPattern(
            "all-reduce: \\d+\\.\\d{4} s per optimizer step \\(3 steps\\): "
                + "\\d+\\.\\d{4} s transfer, \\d+\\.\\d{4} s waiting for the other replicas")
        .containsPattern("rollout\\s+\\d+\\.\\d\\d\\s+\\d+")
        .containsPattern(
            "store cost per iteration \\d+ ms \\(lock \\d+, markers \\d+, cache \\d+,"
                + " records \\d+; goal <= 100 ms\\)");
    // The iteration took the lock, checked and wrote markers, and wrote run records.
    assertThat(r.storeCostMillis())
        .containsOnlyKeys("lock", "markers", "cache", "records", "total");
    for (String kind : new String[] {"lock", "markers", "records"}) {
      assertThat(r.storeCostMillis().get(kind)).as(kind).isPositive();
    }
  }
}
