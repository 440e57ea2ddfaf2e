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
import org.orzspark.stages.FigureRow;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orz evaluate}: avg@k, pass@k and maj@k of a checkpoint (or any Hugging Face-layout model)
 * on evaluation files, appended to {@code R/eval/checkpoint=N/benchmark=NAME/}.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "avg@k, pass@k and maj@k of a checkpoint or model on evaluation files.")
public final class EvaluateCommand implements Callable<Integer> {
  /** A JSON copy of a benchmark's figures beside its Parquet row, for scripts. */
  public static final String RESULT_FILE = "_result.json";

  @Option(names = "--run-dir", description = "Run whose checkpoint to evaluate; results go to R/eval/ (default: none).")
  Path runDir;

  @Option(names = "--checkpoint", description = "Checkpoint iteration (default: the latest complete one).")
  Integer checkpoint;

  @Option(names = "--model", description = "A Hugging Face-layout model folder to evaluate instead of a run's checkpoint; its figures are printed, not stored (default: none).")
  Path model;

  @Option(names = "--eval", required = true, arity = "1..*",
      description = "Evaluation files: ORZ eval JSON, JSONL {problem, answer}, ORZ JSON or prompt Parquet.")
  List<String> evalFiles;

  @Option(names = "--samples", defaultValue = "16", description = "Samples per question, k (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--max-new-tokens",
      description = "Response length limit (default: the run's rollout.max_response_tokens, else 1024).")
  Integer maxNewTokens;

  @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    SparkSession spark = runDir == null
        ? SparkSession.builder().appName("orz evaluate").getOrCreate()
        : RunSession.start("orz evaluate " + runDir.toAbsolutePath().normalize().getFileName(), runDir);
    for (Evaluator.Result result : run(spark)) {
      System.out.printf("evaluate %-14s %4d questions x %d: avg@%d %.3f  pass@%d %.3f  maj@%d %.3f  format %.3f%n",
          result.benchmark(), result.questions(), result.samples(), samples, result.avgAtK(),
          samples, result.passAtK(), samples, result.majAtK(), result.formatRate());
    }
    return 0;
  }

  public List<Evaluator.Result> run(SparkSession spark) throws Exception {
    if ((runDir == null) == (model == null)) {
      // Results are stored per checkpoint of a run; a model folder's figures are only printed, so
      // accepting both would silently store nothing.
      throw new IllegalArgumentException(
          "give either --run-dir (a checkpoint of a run; results go to R/eval/) or --model (a model folder; results are printed)");
    }
    if (model != null && checkpoint != null) {
      throw new IllegalArgumentException("--checkpoint selects a checkpoint of --run-dir, not of --model");
    }
    RunConfig config = null;
    RunLayout layout = null;
    int evaluated = -1;
    Path folder = model;
    if (runDir != null) {
      layout = new RunLayout(runDir);
      config = RunConfig.read(layout.runJson());
      evaluated = checkpoint != null ? checkpoint
          : new CheckpointStore(layout).latestComplete().orElseThrow(
              () -> new IllegalStateException("no complete checkpoint in " + runDir)).iteration();
      CheckpointStore.Verdict verdict = CheckpointStore.verify(evaluated, layout.checkpoint(evaluated));
      if (!verdict.complete()) {
        throw new IllegalArgumentException("checkpoint " + evaluated + " is not usable: "
            + verdict.problem().orElse("?"));
      }
      // R/eval/checkpoint=N/ existing keeps checkpoint N from pruning by a concurrent orz iterate
      // (evaluate takes no run lock: it writes only below R/eval/).
      java.nio.file.Files.createDirectories(layout.eval(evaluated));
      folder = layout.checkpoint(evaluated).resolve("policy");
    }
    ScoredSampling.Settings settings = new ScoredSampling.Settings(samples, temperature, 1.0,
        maxNewTokens != null ? maxNewTokens
            : config != null ? config.get(RunSettings.MAX_RESPONSE_TOKENS) : 1024,
        config != null ? config.get(RunSettings.PROMPT_TEMPLATE) : "paper",
        config != null ? config.get(RunSettings.ROLLOUT_BATCH_SEQUENCES) : 64, seed,
        config != null ? config.get(RunSettings.GPUS_PER_TASK) : 0);
    List<Evaluator.Result> results = new ArrayList<>();
    for (String file : evalFiles) {
      ReadResult read = PromptFiles.read(spark, file, InputFormat.AUTO);
      List<PromptRecord> prompts = read.parsed().stream().map(ParsedPrompt::record).toList();
      String benchmark = benchmarkName(file);
      if (!read.quarantined().isEmpty()) {
        System.err.printf("evaluate %s: %d records could not be read and are not evaluated%n",
            benchmark, read.quarantined().size());
      }
      Evaluator.Result result = Evaluator.evaluate(spark, folder, benchmark, prompts, settings, System.err);
      results.add(result);
      if (layout != null) {
        write(spark, layout, evaluated, result);
      }
    }
    return results;
  }

  static String benchmarkName(String file) {
    String name = Path.of(file).getFileName().toString();
    return name.replaceFirst("\\.(jsonl|json|parquet)$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  private static void write(SparkSession spark, RunLayout layout, int checkpoint,
      Evaluator.Result result) throws java.io.IOException {
    String target = layout.eval().resolve("checkpoint=" + checkpoint)
        .resolve("benchmark=" + result.benchmark()).toString();
    try (AtomicOutput out = AtomicOutput.beginRunFolder(spark.sparkContext().hadoopConfiguration(), target)) {
      out.writeParquet(FigureRow.of(spark, result.figures()), "");
      out.writeText(RESULT_FILE, new ObjectMapper().writeValueAsString(result.figures()));
      out.commit();
    }
  }
}
