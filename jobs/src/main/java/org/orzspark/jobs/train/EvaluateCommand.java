package org.orzspark.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.PromptRecord;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.read.InputFormat;
import org.orzspark.datasets.read.ParsedPrompt;
import org.orzspark.datasets.read.PromptFiles;
import org.orzspark.datasets.read.ReadResult;
import org.orzspark.evaluation.Evaluator;
import org.orzspark.evaluation.ScoredSampling;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.EvalTable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSettings;
import org.orzspark.run.RunStore;
import org.orzspark.stages.FigureRow;
import org.orzspark.stages.RolloutSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orz evaluate}: avg@k, pass@k and maj@k of a checkpoint (or any Hugging Face-layout model)
 * on evaluation files, appended to {@code R/eval/checkpoint=N/benchmark=NAME/}. The paper's
 * benchmarks are named ({@code --benchmark aime2024,math500}, see {@link EvalBenchmark}); other
 * files are given as {@code --eval F}, named after the file; both may be combined.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "avg@k, pass@k and maj@k of a checkpoint or model on the paper's benchmarks "
            + "(--benchmark) or evaluation files (--eval).")
public final class EvaluateCommand implements Callable<Integer> {
  /** A JSON copy of a benchmark's figures beside its Parquet row, for scripts. */
  public static final String RESULT_FILE = "_result.json";

  @Option(
      names = "--run-dir",
      description =
          "Run whose checkpoint to evaluate (a local path or a Hadoop URI); results go to R/eval/ (default: none).")
  String runDir;

  @Mixin CheckpointOption checkpoint = new CheckpointOption();

  @Option(
      names = "--model",
      description =
          "A Hugging Face-layout model folder to evaluate instead of a run's checkpoint; its figures are printed, not stored (default: none).")
  Path model;

  @Option(
      names = "--benchmark",
      split = ",",
      arity = "1..*",
      paramLabel = "NAME",
      description =
          "The paper's benchmarks by name, comma-separated: ${COMPLETION-CANDIDATES}; "
              + "the files the repository ships in --benchmark-dir (default: none).",
      completionCandidates = BenchmarkNames.class)
  List<String> benchmarks = List.of();

  @Option(
      names = "--benchmark-dir",
      defaultValue = "${env:ORZ_HOME:-.}/" + EvalBenchmark.FOLDER,
      description = "Where --benchmark finds its files (default: ${DEFAULT-VALUE}).")
  Path benchmarkDir;

  @Option(
      names = "--eval",
      arity = "1..*",
      description =
          "Evaluation files: ORZ eval JSON, JSONL {problem, answer}, ORZ JSON or prompt "
              + "Parquet; each named after its file (default: none; give --benchmark, --eval or both).")
  List<String> evalFiles = List.of();

  @Option(
      names = "--samples",
      defaultValue = "16",
      description = "Samples per question, k (default: ${DEFAULT-VALUE}, the paper's avg@16).")
  int samples;

  @Option(
      names = "--temperature",
      description =
          "Sampling temperature (default: the built-in default of rollout.temperature, "
              + "not the run's value).")
  Double temperature;

  @Option(
      names = "--max-new-tokens",
      description =
          "Response length limit (default: the run's rollout.max_response_tokens, else "
              + "its built-in default).")
  Integer maxNewTokens;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  /** One evaluation set: the name its results are stored under, and its file. */
  record Target(String benchmark, String file) {}

  /** {@link EvalBenchmark}'s names, for the help text. */
  static final class BenchmarkNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(EvalBenchmark.values())
          .map(EvalBenchmark::benchmarkName)
          .iterator();
    }
  }

  /**
   * The sets to evaluate, {@code --benchmark}s first, then {@code --eval} files; checked before any
   * Spark work: an unknown benchmark, a missing vendored file, no set at all or one name twice (the
   * second would replace the first's results) is refused.
   */
  List<Target> targets() {
    List<Target> targets = new ArrayList<>();
    for (String name : benchmarks) {
      EvalBenchmark benchmark = EvalBenchmark.named(name);
      targets.add(new Target(benchmark.benchmarkName(), benchmark.file(benchmarkDir).toString()));
    }
    for (String file : evalFiles) {
      targets.add(new Target(benchmarkName(file), file));
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "give --benchmark NAME,... (valid: "
              + EvalBenchmark.validNames()
              + "), --eval FILE... or both");
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Target target : targets) {
      if (!seen.add(target.benchmark())) {
        throw new IllegalArgumentException(
            "benchmark '"
                + target.benchmark()
                + "' given twice; its second results would replace the first");
      }
    }
    return targets;
  }

  @Override
  public Integer call() throws Exception {
    targets();
    SparkSession spark =
        runDir == null
            ? SparkSession.builder().appName("orz evaluate").getOrCreate()
            : RunSession.start("orz evaluate " + RunLayout.of(runDir).name(), RunLayout.of(runDir));
    for (Evaluator.Result result : run(spark)) {
      System.out.printf(
          "evaluate %-14s %4d questions x %d: avg@%d %.3f  pass@%d %.3f  maj@%d %.3f  format %.3f%n",
          result.benchmark(),
          result.questions(),
          result.samples(),
          samples,
          result.avgAtK(),
          samples,
          result.passAtK(),
          samples,
          result.majAtK(),
          result.formatRate());
    }
    return 0;
  }

  public List<Evaluator.Result> run(SparkSession spark) throws Exception {
    List<Target> targets = targets();
    if ((runDir == null) == (model == null)) {
      // Results are stored per checkpoint of a run; a model folder's figures are only printed, so
      // accepting both would silently store nothing.
      throw new IllegalArgumentException(
          "give either --run-dir (a checkpoint of a run; results go to R/eval/) or --model (a model folder; results are printed)");
    }
    if (model != null && checkpoint.iteration() != null) {
      throw new IllegalArgumentException(
          "--checkpoint selects a checkpoint of --run-dir, not of --model");
    }
    RunConfig config = null;
    RunLayout layout = null;
    int evaluated = -1;
    String folder = model == null ? null : model.toAbsolutePath().toString();
    if (runDir != null) {
      RunStore store =
          RunStore.open(spark.sparkContext().hadoopConfiguration(), RunLayout.of(runDir));
      layout = store.layout();
      config = RunConfig.read(store);
      evaluated = new CheckpointStore(store).usable(checkpoint.iteration()).iteration();
      // R/eval/checkpoint=N/ existing keeps checkpoint N from pruning by a concurrent orz iterate
      // (evaluate takes no run lock: it writes only below R/eval/).
      store.mkdirs(layout.eval(evaluated));
      folder = new org.apache.hadoop.fs.Path(layout.checkpoint(evaluated), "policy").toString();
    }
    ScoredSampling.Settings settings = settings(config);
    List<Evaluator.Result> results = new ArrayList<>();
    for (Target target : targets) {
      ReadResult read = PromptFiles.read(spark, target.file(), InputFormat.AUTO);
      List<PromptRecord> prompts = read.parsed().stream().map(ParsedPrompt::record).toList();
      String benchmark = target.benchmark();
      if (!read.quarantined().isEmpty()) {
        System.err.printf(
            "evaluate %s: %d records could not be read and are not evaluated%n",
            benchmark, read.quarantined().size());
      }
      Evaluator.Result result =
          Evaluator.evaluate(spark, folder, benchmark, prompts, settings, System.err);
      results.add(result);
      if (layout != null) {
        write(spark, layout, evaluated, result);
      }
    }
    return results;
  }

  /**
   * How to sample: the options, then the run's settings (template, length limit, batch, GPUs), or,
   * with {@code --model} (no run), the built-in defaults of {@link RunSettings}, the one source of
   * defaults for every command. Temperature and top-p are the built-in defaults unless given, with
   * or without a run: evaluation samples as the paper's recipe does, whatever the run trained with.
   */
  ScoredSampling.Settings settings(RunConfig config) {
    RunConfig defaults = RunConfig.defaults();
    RunConfig run = config != null ? config : defaults;
    RolloutSettings.Sampling sampling = RolloutSettings.Sampling.from(run);
    return new ScoredSampling.Settings(
        samples,
        temperature != null ? temperature : defaults.get(RunSettings.TEMPERATURE),
        defaults.get(RunSettings.TOP_P),
        maxNewTokens != null ? maxNewTokens : sampling.maxResponseTokens(),
        sampling.template(),
        sampling.batchSequences(),
        seed,
        run.get(RunSettings.GPUS_PER_TASK));
  }

  static String benchmarkName(String file) {
    String name = Path.of(file).getFileName().toString();
    return name.replaceFirst("\\.(jsonl|json|parquet)$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  private static void write(
      SparkSession spark, RunLayout layout, int checkpoint, Evaluator.Result result)
      throws java.io.IOException {
    String target =
        new org.apache.hadoop.fs.Path(
                layout.eval(checkpoint), EvalTable.benchmarkFolder(result.benchmark()))
            .toString();
    try (AtomicOutput out =
        AtomicOutput.beginRunFolder(spark.sparkContext().hadoopConfiguration(), target)) {
      out.writeParquet(FigureRow.of(spark, result.figures()), "");
      out.writeText(RESULT_FILE, new ObjectMapper().writeValueAsString(result.figures()));
      out.commit();
    }
  }
}
