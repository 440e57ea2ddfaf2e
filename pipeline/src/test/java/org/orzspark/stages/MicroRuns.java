package org.orzspark.stages;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.datasets.synth.SyntheticProblem;
import org.orzspark.datasets.synth.SyntheticTasks;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.run.RunConfig;
import org.orzspark.tokenizer.BpeTrainer;
import org.orzspark.tokenizer.BpeVocabulary;
import org.orzspark.tokenizer.SpecialTokens;
import org.orzspark.tokenizer.TokenizerFiles;

/**
 * Micro runs for tests: a random Qwen2 model with a real BPE tokenizer trained on synthetic
 * problems (no pre-training: the mechanics, not the accuracy, are under test), synthetic prompts,
 * and settings small enough that an iteration takes seconds on 2 cores.
 */
public final class MicroRuns {
  private MicroRuns() {}

  /** Writes a micro base model (tokenizer included) to {@code folder}. */
  public static Path base(Path folder) throws IOException {
    List<SyntheticProblem> problems =
        SyntheticTasks.generate(List.of("arithmetic", "comparison"), 200, 3);
    BpeVocabulary vocabulary =
        BpeTrainer.train(
            problems.stream()
                .map(p -> PromptTemplate.render(p.question()) + " " + p.answer())
                .toList(),
            BpeTrainer.Options.withProjectTokens(400));
    Path assets = Files.createTempDirectory("micro-tokenizer");
    TokenizerFiles.write(vocabulary, assets);
    int eos = vocabulary.addedTokenId(SpecialTokens.END_OF_TEXT);
    Qwen2Config config =
        new Qwen2Config(
            vocabulary.size(),
            32,
            64,
            2,
            2,
            1,
            4096,
            10000.0,
            1e-6,
            true,
            null,
            List.of(eos),
            "float32");
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel model = PolicyModel.random(config, 17, manager)) {
      model.setTokenizerDir(assets);
      model.save(folder);
    }
    return folder;
  }

  /** Writes {@code count} synthetic prompts (prompt schema) to {@code folder}. */
  public static Path prompts(SparkSession spark, Path folder, int count) {
    var rows =
        SyntheticTasks.generateDistinct(List.of("arithmetic", "comparison"), count, 5, 1, 2)
            .stream()
            .map(SyntheticTasks::fromProblem)
            .map(PromptSchema::toRow)
            .toList();
    spark.createDataFrame(rows, PromptSchema.SCHEMA).coalesce(1).write().parquet(folder.toString());
    return folder;
  }

  /**
   * A micro run initialised in {@code dir/run}, from a micro base model and {@code count} prompts
   * written beside it, with {@code overrides} of the micro configuration.
   */
  public static Path run(SparkSession spark, Path dir, int count, Map<String, String> overrides)
      throws IOException {
    Path base = base(dir.resolve("base"));
    Path prompts = prompts(spark, dir.resolve("prompts"), count);
    Path run = dir.resolve("run");
    RunInitializer.init(spark, run.toString(), config(base, prompts, overrides));
    return run;
  }

  /** A configuration of micro sizes: 4 prompts x 4 samples, 8-token responses, 2 critic steps. */
  public static RunConfig config(Path base, Path prompts, Map<String, String> overrides) {
    Properties micro = new Properties();
    micro.setProperty("data.prompts_per_iteration", "4");
    micro.setProperty("rollout.samples_per_prompt", "4");
    micro.setProperty("rollout.max_response_tokens", "8");
    micro.setProperty("data.max_prompt_tokens", "4096");
    micro.setProperty("ppo.critic_minibatches", "2");
    micro.setProperty("ppo.micro_batch_tokens", "4096");
    micro.setProperty("optim.policy_lr", "1e-3");
    micro.setProperty("optim.critic_lr", "1e-3");
    micro.setProperty("optim.warmup_steps", "1");
    return RunConfig.resolve(base.toString(), prompts.toString(), "micro", micro, overrides);
  }
}
