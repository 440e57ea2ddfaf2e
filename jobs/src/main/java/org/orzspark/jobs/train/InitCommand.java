package org.orzspark.jobs.train;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunSettings;
import org.orzspark.stages.RunInitializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orz init}: freezes a run's configuration, prompt set and checkpoint 0. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Create a run: run.json (every setting), the frozen prompt set and checkpoint 0.")
public final class InitCommand implements Callable<Integer> {

  @Option(names = "--run-dir", required = true, description = "The run directory to create.")
  Path runDir;

  @Option(names = "--base", required = true,
      description = "Base model folder (Hugging Face layout: config.json, model.safetensors, tokenizer.json).")
  Path base;

  @Option(names = "--prompts", required = true,
      description = "Prompt set (Parquet in the prompt schema, e.g. from 'orz prepare').")
  String prompts;

  @Option(names = "--profile",
      description = {"Run profile (properties file, e.g. conf/profiles/tiny-cpu.properties);",
          "without one every setting has its built-in default: the paper's 7B recipe (default: none)."})
  Path profile;

  @Option(names = "--seed", description = "Run seed; overrides the profile's run.seed (default: profile, else 42).")
  Long seed;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting, e.g. --set optim.policy_lr=3e-5 (repeatable; default: none).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    RunConfig config = config();
    RunInitializer.Result result =
        RunInitializer.init(SparkSession.builder().appName("orz init").getOrCreate(), runDir, config);
    System.out.printf("init: run %s with %d prompts (%d quarantined as too long), checkpoint 0 from %s%n",
        result.layout().root(), result.prompts(), result.quarantined(), base);
    return 0;
  }

  RunConfig config() throws IOException {
    Properties properties = new Properties();
    String profileName = "built-in";
    if (profile != null) {
      try (Reader reader = Files.newBufferedReader(profile)) {
        properties.load(reader);
      }
      profileName = profile.getFileName().toString().replaceFirst("\\.properties$", "");
    }
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (seed != null) {
      all.put(RunSettings.SEED.key(), Long.toString(seed));
    }
    return RunConfig.resolve(base.toAbsolutePath().toString(),
        Path.of(prompts).toAbsolutePath().toString(), profileName, properties, all);
  }
}
