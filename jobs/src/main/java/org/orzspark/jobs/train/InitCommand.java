package org.orzspark.jobs.train;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.RunInitializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code orz init}: freezes a run's configuration, prompt set and checkpoint 0. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Create a run: run.json (every setting), the frozen prompt set and checkpoint 0.")
public final class InitCommand implements Callable<Integer> {

  @Option(
      names = "--run-dir",
      required = true,
      description =
          "The run directory to create: a local path or a Hadoop URI (hdfs://…, s3a://…).")
  String runDir;

  @Option(
      names = "--base",
      required = true,
      description =
          "Base model folder (Hugging Face layout: config.json, model.safetensors, tokenizer.json).")
  Path base;

  @Option(
      names = "--prompts",
      required = true,
      description = "Prompt set (Parquet in the prompt schema, e.g. from 'orz prepare').")
  String prompts;

  @Mixin RunConfigOptions configuration = new RunConfigOptions();

  @Override
  public Integer call() throws Exception {
    RunConfig config = configuration.resolve(base, prompts);
    RunLayout run = RunLayout.of(runDir);
    RunInitializer.Result result =
        RunInitializer.init(RunSession.startNew("orz init " + run.name(), run), runDir, config);
    System.out.printf(
        "init: run %s with %d prompts (%d quarantined as too long), checkpoint 0 from %s%n",
        result.layout().root(), result.prompts(), result.quarantined(), base);
    return 0;
  }
}
