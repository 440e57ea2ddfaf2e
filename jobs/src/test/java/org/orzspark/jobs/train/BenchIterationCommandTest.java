package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.stages.MicroRuns;
import org.orzspark.testing.RepoPaths;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

class BenchIterationCommandTest {

  @Test
  void theBaseModelDefaultsToTheShippedOne() {
    BenchIterationCommand command = new BenchIterationCommand();
    new CommandLine(command).parseArgs();

    assertThat(command.base.normalize().toString()).endsWith(DemoCommand.SHIPPED_BASE);
    assertThat(RepoPaths.root().resolve(DemoCommand.SHIPPED_BASE).resolve("config.json"))
        .as("a model is shipped there")
        .isRegularFile();
  }

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
    double slotTime =
        r.tasks().values().stream().mapToDouble(TaskTimeListener.GroupTime::slotSeconds).sum();
    assertThat(b.taskSeconds()).isCloseTo(slotTime, within(1e-9));
    assertThat(b.wallSeconds())
        .isCloseTo(
            r.stageSeconds().values().stream().mapToDouble(Double::doubleValue).sum(),
            within(1e-6));
    // Stages ran for part of the iteration; the fixed cost holds the 3 s start passed in.
    assertThat(b.applicationStartSeconds()).isEqualTo(3.0);
    assertThat(b.stageSpanSeconds()).isPositive().isLessThanOrEqualTo(b.wallSeconds());
    IterationBreakdown.Overheads o = r.overheads();
    assertThat(o).isEqualTo(b.overheads());
    assertThat(o.fixedCostSeconds()).isGreaterThan(3.0).isLessThan(3.0 + b.wallSeconds());
    assertThat(o.idleSlotShare()).isBetween(0.0, 1.0);
    assertThat(o.orchestrationShare()).isPositive().isLessThan(1.0);
    String printed = console.toString(StandardCharsets.UTF_8);
    Matcher fixed =
        Pattern.compile(
                "(?m)^fixed cost per iteration (\\d+\\.\\d) s \\(start 3\\.0 s, driver gaps"
                    + " \\d+\\.\\d s, in-task \\d+\\.\\d s; goal <= 3 s\\)$")
            .matcher(printed);
    assertThat(fixed.find()).as(printed).isTrue();
    assertThat(Double.parseDouble(fixed.group(1))).isGreaterThan(3.0);
    Matcher idle = Pattern.compile("(?m)^idle slots (\\d+)% \\(").matcher(printed);
    assertThat(idle.find()).as(printed).isTrue();
    assertThat(Integer.parseInt(idle.group(1))).isBetween(0, 100);
    Matcher share = Pattern.compile("(?m)^orchestration share (\\d+)% \\(").matcher(printed);
    assertThat(share.find()).as(printed).isTrue();
    assertThat(Integer.parseInt(share.group(1)))
        .isEqualTo((int) Math.round(100 * o.orchestrationShare()));
    assertThat(printed)
        .containsPattern("(?m)^wall time not covered by tasks: \\d+\\.\\d\\d s = ")
        .doesNotContain("orchestration overhead")
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

  @Test
  void thePreparingApplicationGetsTheBenchmarksSettings() {
    BenchIterationCommand command = new BenchIterationCommand();
    new CommandLine(command)
        .parseArgs(
            "--base",
            "models/b",
            "--synth-prompts",
            "64",
            "--seed",
            "7",
            "--set",
            "a.b=1",
            "--set",
            "c.d=x y",
            "--iterations",
            "2");

    List<String> line = command.prepareCommand(Path.of("/orz/jobs/bin/orz"), Path.of("/t/run"));

    assertThat(line)
        .containsExactly(
            "/orz/jobs/bin/orz",
            "bench",
            "iteration",
            "--prepare-run",
            "--run-dir",
            "/t/run",
            "--base",
            "models/b",
            "--synth-prompts",
            "64",
            "--profile",
            "tiny-cpu",
            "--seed",
            "7",
            "--set",
            "a.b=1",
            "--set",
            "c.d=x y");
    // the line parses back into the same settings
    BenchIterationCommand prepare = new BenchIterationCommand();
    new CommandLine(prepare).parseArgs(line.subList(3, line.size()).toArray(String[]::new));
    assertThat(prepare.prepareOnly).isTrue();
    assertThat(prepare.runDir).isEqualTo(Path.of("/t/run"));
    assertThat(prepare.base).isEqualTo(Path.of("models/b"));
    assertThat(prepare.synthPrompts).isEqualTo(64);
    assertThat(prepare.prompts).isNull();
    assertThat(prepare.configuration.profile).isEqualTo("tiny-cpu");
    assertThat(prepare.configuration.seed).isEqualTo(7L);
    assertThat(prepare.configuration.overrides).isEqualTo(Map.of("a.b", "1", "c.d", "x y"));
  }
}
