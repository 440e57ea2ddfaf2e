package org.orzspark.jobs.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.jobs.OrzCli;
import org.orzspark.run.CheckpointCache;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunLock;
import org.orzspark.run.RunStore;
import org.orzspark.stages.MicroRuns;
import org.orzspark.testing.SharedSpark;
import picocli.CommandLine;

/**
 * A run whose directory is on a real HDFS (a MiniDFSCluster started in this JVM): init, two
 * iterations, analyze and evaluate through the commands users run, results read back through them
 * and the run store; a second writer refused by the lock on HDFS; an interrupted iteration resumed
 * (its metrics completed, a crashed attempt's temp folder removed). The same run on a local
 * directory gives the wall time to compare with (both printed).
 */
class HdfsRunIT {
  private static final String[] MICRO = {
    "--set", "data.prompts_per_iteration=4", "--set", "rollout.samples_per_prompt=4",
    "--set", "rollout.max_response_tokens=8", "--set", "data.max_prompt_tokens=4096",
    "--set", "ppo.critic_minibatches=2", "--set", "ppo.micro_batch_tokens=4096",
    "--set", "optim.warmup_steps=1"
  };

  @TempDir static Path dir;
  private static MiniDFSCluster cluster;
  private static String namenode;
  private static Path base;
  private static Path prompts;
  private static Path golds;

  @BeforeAll
  static void startHdfsAndWriteInputs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    namenode = cluster.getURI().toString();
    SparkSession spark = SharedSpark.session();
    base = MicroRuns.base(dir.resolve("base"));
    prompts = MicroRuns.prompts(spark, dir.resolve("prompts"), 12);
    golds = dir.resolve("golds.jsonl");
    Files.writeString(
        golds,
        """
        {"problem": "What is 3 + 4?", "answer": "7"}
        {"problem": "What is 2 + 2?", "answer": "4"}
        """);
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void aTwoIterationRunOnHdfsWorksAsOnALocalDisk() throws Exception {
    double localSeconds = wholeRun(dir.resolve("local-run").toString());
    String run = namenode + "/runs/x";
    long fetchesBefore = CheckpointCache.shared().fetches();
    double hdfsSeconds = wholeRun(run);
    System.out.printf(
        "HdfsRunIT: init + 2 iterations + analyze + evaluate: HDFS %.1f s,"
            + " local %.1f s (local ran first, in the same JVM)%n",
        hdfsSeconds, localSeconds);

    RunStore store = RunStore.open(new Configuration(), RunLayout.of(run));
    RunLayout layout = store.layout();
    assertThat(layout.root().toUri().getScheme()).isEqualTo("hdfs");
    CheckpointStore checkpoints = new CheckpointStore(store);
    assertThat(checkpoints.scan())
        .extracting(CheckpointStore.Verdict::iteration)
        .containsExactly(2, 1, 0);
    assertThat(checkpoints.scan()).allMatch(CheckpointStore.Verdict::complete);
    assertThat(lines(store, layout.metricsJsonl())).hasSize(2);
    for (var folder :
        List.of(
            layout.metrics(2),
            layout.analysis(),
            layout.reports(),
            new org.apache.hadoop.fs.Path(layout.eval(2), "benchmark=golds"))) {
      assertThat(store.exists(new org.apache.hadoop.fs.Path(folder, AtomicOutput.SUCCESS)))
          .as(folder.toString())
          .isTrue();
    }
    assertThat(store.exists(new org.apache.hadoop.fs.Path(layout.reports(), "index.html")))
        .isTrue();
    assertThat(CheckpointCache.shared().fetches() - fetchesBefore)
        .as("executors loaded the HDFS checkpoints from local copies")
        .isPositive();
    assertThat(tempNames(store)).as("nothing half-written left on HDFS").isEmpty();
    assertThat(store.exists(layout.lock())).isFalse();

    // The same commands read the run back.
    assertThat(capture("settings", "--run-dir", run)).contains("rollout.samples_per_prompt = 4");

    // A second writer is refused by the lock on HDFS, naming the holder, before any work.
    try (RunLock held = RunLock.acquire(store, "orz iterate (another one)")) {
      OrzCli.Outcome refused = OrzCli.execute("iterate", "--run-dir", run);
      assertThat(refused.status()).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(refused.err()).contains("is locked by orz iterate (another one)");
    }

    // Interrupted after its checkpoint: metrics missing, a crashed attempt's temp folder left.
    store.delete(new org.apache.hadoop.fs.Path(layout.metrics(2), AtomicOutput.SUCCESS));
    store.write(
        new org.apache.hadoop.fs.Path(
            layout.checkpoints(), ".iter-000003.tmp-crashed/policy/model.safetensors"),
        new byte[] {1, 2, 3});
    String resumed = capture("iterate", "--run-dir", run);
    assertThat(resumed)
        .contains("removed checkpoints/.iter-000003.tmp-crashed")
        .contains("iteration 2: checkpoint complete, completing its metrics");
    assertThat(store.exists(new org.apache.hadoop.fs.Path(layout.metrics(2), AtomicOutput.SUCCESS)))
        .isTrue();
    assertThat(lines(store, layout.metricsJsonl())).hasSize(2);
    assertThat(checkpoints.latestComplete())
        .get()
        .extracting(CheckpointStore.Verdict::iteration)
        .isEqualTo(2);
    assertThat(tempNames(store)).isEmpty();
  }

  /** init, iterate x2, evaluate the last checkpoint, analyze; the wall seconds. */
  private static double wholeRun(String run) throws Exception {
    long started = System.nanoTime();
    List<String> init =
        new ArrayList<>(
            List.of(
                "init",
                "--run-dir",
                run,
                "--base",
                base.toString(),
                "--prompts",
                prompts.toString()));
    init.addAll(List.of(MICRO));
    ok(init.toArray(String[]::new));
    for (int iteration = 1; iteration <= 2; iteration++) {
      assertThat(capture("iterate", "--run-dir", run))
          .contains("iteration " + iteration + " | reward");
    }
    ok("evaluate", "--run-dir", run, "--eval", golds.toString(), "--samples", "2");
    ok("analyze", "--run-dir", run);
    return (System.nanoTime() - started) / 1e9;
  }

  private static void ok(String... args) {
    OrzCli.Outcome outcome = OrzCli.execute(args);
    assertThat(outcome.status()).as(String.join(" ", args) + ": " + outcome.err()).isZero();
  }

  /** Runs a command that must succeed and returns what it printed to standard output. */
  private static String capture(String... args) {
    PrintStream console = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      ok(args);
    } finally {
      System.setOut(console);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    console.print(printed);
    return printed;
  }

  private static List<String> lines(RunStore store, org.apache.hadoop.fs.Path file)
      throws IOException {
    return store.readString(file).lines().filter(l -> !l.isBlank()).toList();
  }

  /** Names below the run directory that only a writer cut short leaves behind. */
  private static List<String> tempNames(RunStore store) throws IOException {
    List<String> temps = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> files = store.fs().listFiles(store.layout().root(), true);
    while (files.hasNext()) {
      String path = store.layout().relative(files.next().getPath());
      if (path.contains(".tmp-") || path.contains(RunLock.FILE + ".stale-")) {
        temps.add(path);
      }
    }
    return temps;
  }
}
