package org.orzspark.jobs.rapids;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.MutableURLClassLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.analysis.SyntheticRun;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.synth.PlantedDuplicates;
import org.orzspark.jobs.Orz;
import org.orzspark.run.RolloutTable;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.MetricsStage;
import org.orzspark.stages.ScoreStage;
import org.orzspark.testing.RepoPaths;

/**
 * Which operators of the SQL side the RAPIDS Accelerator would run on a GPU, found on this CPU: the
 * plugin, with the RAPIDS lines of {@code conf/spark-gpu.conf}, in explain-only mode plans every
 * query as it would on a GPU cluster, logs that plan (verdict per operator) and runs the query on
 * the CPU. Needs the plugin's jar ({@code -Prapids}; without it: ClassNotFoundException:
 * com.nvidia.spark.SQLPlugin) and a JVM of its own: a plugin loads only with a new SparkContext.
 *
 * <pre>
 * mvn -B -o -Prapids -pl jobs -am test -Dgroups=rapids -Dtest.excludedGroups= \
 *     -Dtest='RapidsExplainTest' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("rapids")
class RapidsExplainTest {
  private static final String GPU_CONF = "conf/spark-gpu.conf";
  private static final ExplainLog LOG = new ExplainLog();
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startWithThePlugin() throws IOException {
    assertThat(SparkSession.getDefaultSession().isEmpty())
        .as("a Spark session started before this test, without the plugin: run -Dgroups=rapids")
        .isTrue();
    // spark-submit runs an application under a MutableURLClassLoader; the plugin's shim loader
    // adds its Spark-version classes (spark420/) to that loader and fails under the JDK's.
    Thread.currentThread()
        .setContextClassLoader(
            new MutableURLClassLoader(new URL[0], Thread.currentThread().getContextClassLoader()));
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("orz-rapids-explain")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1");
    Map<String, String> rapids = rapidsLines(RepoPaths.root().resolve(GPU_CONF));
    assertThat(rapids).containsEntry("spark.plugins", "com.nvidia.spark.SQLPlugin");
    rapids.forEach(builder::config);
    spark =
        builder
            .config("spark.rapids.sql.mode", "explainOnly")
            .config("spark.rapids.sql.explain", "ALL")
            .getOrCreate();
    LOG.attach();
  }

  /** The plugin's lines of a Spark properties file: the plugin, its settings, the cache format. */
  static Map<String, String> rapidsLines(Path conf) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(conf)) {
      properties.load(reader);
    }
    Map<String, String> lines = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key).trim();
      if (key.startsWith("spark.rapids.") || value.startsWith("com.nvidia.spark.")) {
        lines.put(key, value);
      }
    }
    return lines;
  }

  @AfterAll
  static void stop() {
    LOG.detach();
    if (spark != null) {
      spark.stop();
    }
  }

  /**
   * The verdicts logged since the last call, printed; {@code onGpu}: operators the GPU must have
   * taken at least once.
   */
  private static GpuExplain verdicts(String what, String... onGpu) {
    GpuExplain explain = LOG.take();
    System.out.println("RAPIDS explain of " + what + ":\n" + explain.summary());
    assertThat(explain.onGpu()).as(what).contains(onGpu);
    return explain;
  }

  @Test
  void curateDedupScansJoinsAggregatesAndWritesOnGpuButNotItsUdfsAndMllibVectors() {
    String input = dir.resolve("in").toString();
    PromptSchema.toDataFrame(spark, PlantedDuplicates.generate(300, 0.2, 3).prompts())
        .write()
        .parquet(input);
    LOG.take();

    String output = dir.resolve("out").toString();
    assertThat(Orz.commandLine().execute("curate", "dedup", "--input", input, "--output", output))
        .isZero();

    GpuExplain explain =
        verdicts(
            "curate dedup",
            "FileSourceScanExec",
            "HashAggregateExec",
            "ShuffleExchangeExec",
            "WindowExec",
            "BroadcastHashJoinExec",
            "SortMergeJoinExec",
            "InsertIntoHadoopFsRelationCommand");
    Map<String, Set<String>> cpu = explain.onCpu();
    // The normalising, shingling and band-key UDFs are Java lambdas: no GPU version.
    assertThat(cpu.get("ScalaUDF")).anyMatch(r -> r.contains("provides a GPU implementation"));
    // MinHashLSH's columns are MLlib vectors, a type the plugin does not hold.
    assertThat(cpu.get("ProjectExec")).anyMatch(r -> r.contains("VectorUDT"));
    // The connected components' checkpointed RDD re-enters SQL as an RDD scan.
    assertThat(cpu).containsKey("RDDScanExec");
    assertThat(spark.read().parquet(output).count()).isEqualTo(240);
  }

  @Test
  void analyzeAggregatesOnGpuButNotItsCsvTables() throws Exception {
    Path run = SyntheticRun.writeStepRun(spark, dir.resolve("run"), 4, 3);
    LOG.take();

    assertThat(
            Orz.commandLine().execute("analyze", "--run-dir", run.toString(), "--step-window", "1"))
        .isZero();

    GpuExplain explain =
        verdicts(
            "analyze",
            "FileSourceScanExec",
            "ObjectHashAggregateExec",
            "ShuffleExchangeExec",
            "InsertIntoHadoopFsRelationCommand");
    assertThat(explain.onCpu().get("InsertIntoHadoopFsRelationCommand"))
        .containsExactly("CSV output is not supported");
    // The format check is a row UDF: the CPU evaluates it inside the GPU projection.
    assertThat(explain.operators(GpuExplain.Verdict.CPU_BRIDGE)).contains("ScalaUDF");
  }

  @Test
  void theMetricsStageAggregationRunsWhollyOnGpu() throws Exception {
    RunLayout run = new RunLayout(SyntheticRun.writeStepRun(spark, dir.resolve("run"), 1, 2));
    LOG.take();

    Map<String, Double> metrics =
        MetricsStage.rolloutFigures(spark.read().parquet(run.rollouts(1).toString()));

    GpuExplain explain =
        verdicts("the metrics stage", "FileSourceScanExec", "ObjectHashAggregateExec");
    assertThat(metrics).containsEntry("rollout/responses", (double) SyntheticRun.SAMPLES);
    assertThat(explain.onCpu()).isEmpty();
  }

  @Test
  void theRewardUdfStaysOnTheCpu() throws Exception {
    RunLayout run = new RunLayout(SyntheticRun.writeStepRun(spark, dir.resolve("run"), 1, 2));
    String generated = dir.resolve("generated").toString();
    spark
        .read()
        .parquet(run.rollouts(1).toString())
        .selectExpr(RolloutTable.GENERATED.fieldNames())
        .write()
        .parquet(generated);
    LOG.take();

    ScoreStage.score(spark, spark.read().parquet(generated))
        .write()
        .parquet(dir.resolve("scored").toString());

    GpuExplain explain =
        verdicts(
            "the score stage",
            "FileSourceScanExec",
            "ProjectExec",
            "InsertIntoHadoopFsRelationCommand");
    // orz_judge, orz_extract_answer, ...: evaluated on the CPU inside the GPU projection.
    assertThat(explain.operators(GpuExplain.Verdict.CPU_BRIDGE)).contains("ScalaUDF");
    assertThat(explain.onCpu().get("ScalaUDF"))
        .allMatch(r -> r.contains("provides a GPU implementation"));
  }
}
