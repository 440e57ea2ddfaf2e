package org.orzspark.stages;

import static org.apache.spark.sql.functions.col;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.PromptTemplate;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.OrzOutputs;
import org.orzspark.datasets.io.QuarantineTable;
import org.orzspark.model.CriticModel;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Tokenizers;
import org.orzspark.model.ValueHeadInit;
import org.orzspark.ppo.AdamW;
import org.orzspark.ppo.WarmupSchedule;
import org.orzspark.run.CheckpointState;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSettings;
import org.orzspark.run.RunStore;

/**
 * {@code orz init}: freezes a run. It writes the run's own copy of the prompt set (prompts whose
 * rendered template exceeds {@code data.max_prompt_tokens} are quarantined with the reason, not
 * truncated), checkpoint 0 (policy = base; critic = base + a fresh value head; fresh optimizer
 * state; data cursor at the start) and, last, {@code run.json}: a folder with {@code run.json} is a
 * run, and an existing run is never overwritten.
 */
public final class RunInitializer {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunInitializer() {}

  /** What init produced. */
  public record Result(RunLayout layout, long prompts, long quarantined) {}

  /** Creates the run in {@code runDir}, a local path or a Hadoop URI. */
  public static Result init(SparkSession spark, String runDir, RunConfig config)
      throws IOException {
    RunStore store =
        RunStore.open(spark.sparkContext().hadoopConfiguration(), RunLayout.of(runDir));
    RunLayout layout = store.layout();
    if (store.exists(layout.runJson())) {
      throw new IllegalArgumentException(
          "a run already exists in "
              + runDir
              + " (run.json); choose another --run-dir or continue it with 'orz iterate'");
    }
    Path base = Path.of(config.baseModel());
    int maxPromptTokens = config.get(RunSettings.MAX_PROMPT_TOKENS);
    PromptTemplate.Variant template = config.get(RunSettings.PROMPT_TEMPLATE);
    String basePath = base.toAbsolutePath().toString();
    spark
        .udf()
        .register(
            "orz_prompt_tokens",
            (UDF1<String, Integer>)
                question -> {
                  try (ExecutorModels.Lease<HuggingFaceTokenizer> tokenizer =
                      ExecutorModels.tokenizer(Path.of(basePath))) {
                    return Tokenizers.encode(tokenizer.get(), template.render(question)).length;
                  }
                },
            DataTypes.IntegerType);
    Dataset<Row> prompts =
        spark
            .read()
            .schema(PromptSchema.SCHEMA)
            .parquet(config.prompts())
            .withColumn(
                "_prompt_tokens",
                functions.call_udf("orz_prompt_tokens", col(PromptSchema.QUESTION)))
            .cache();
    long kept;
    long quarantined;
    try (AtomicOutput out =
        AtomicOutput.begin(
            spark.sparkContext().hadoopConfiguration(), layout.prompts().toString(), true)) {
      Dataset<Row> ok =
          prompts.filter(col("_prompt_tokens").leq(maxPromptTokens)).drop("_prompt_tokens");
      out.writeParquet(ok, "");
      kept = ok.count();
      out.commit();
    }
    Dataset<Row> tooLong =
        prompts
            .filter(col("_prompt_tokens").gt(maxPromptTokens))
            .withColumn(
                QuarantineTable.REASON,
                functions.lit("prompt longer than data.max_prompt_tokens=" + maxPromptTokens));
    quarantined = tooLong.count();
    try (AtomicOutput out =
        AtomicOutput.begin(
            spark.sparkContext().hadoopConfiguration(),
            new org.apache.hadoop.fs.Path(layout.quarantine(), "prompts").toString(),
            true)) {
      out.writeParquet(tooLong, "");
      out.commit();
    }
    prompts.unpersist();
    if (kept < config.get(RunSettings.PROMPTS_PER_ITERATION)) {
      throw new IllegalArgumentException(
          "the prompt set has "
              + kept
              + " usable prompts, fewer than "
              + "data.prompts_per_iteration="
              + config.get(RunSettings.PROMPTS_PER_ITERATION));
    }
    writeCheckpointZero(store, base, config);
    config.write(store);
    return new Result(layout, kept, quarantined);
  }

  private static void writeCheckpointZero(RunStore store, Path base, RunConfig config)
      throws IOException {
    org.apache.hadoop.fs.Path zero = store.layout().checkpoint(0);
    if (store.exists(zero)) {
      // Left by an init that stopped before run.json: not part of any run yet. The --run-dir is
      // the user's, not yet a run, so only a checkpoint orz wrote gives way.
      OrzOutputs.checkReplaceable(store.fs(), zero, List.of());
      store.delete(zero);
    }
    ValueHeadInit init = config.get(RunSettings.VALUE_HEAD_INIT);
    long seed = config.get(RunSettings.SEED);
    new CheckpointStore(store)
        .write(
            0,
            folder -> {
              try (NDManager manager = NDManager.newBaseManager();
                  PolicyModel policy = PolicyModel.load(base, manager);
                  CriticModel critic = CriticModel.load(base, manager, init, seed);
                  AdamW policyOptimizer =
                      new AdamW(AdamW.Config.orz(new WarmupSchedule(1, 1)), manager);
                  AdamW criticOptimizer =
                      new AdamW(AdamW.Config.orz(new WarmupSchedule(1, 1)), manager)) {
                policy.save(folder.resolve("policy"));
                critic.save(folder.resolve("critic"));
                Files.createDirectories(folder.resolve("optimizer"));
                try (OutputStream out =
                    Files.newOutputStream(folder.resolve(UpdateStage.POLICY_OPTIMIZER))) {
                  policyOptimizer.save(out);
                }
                try (OutputStream out =
                    Files.newOutputStream(folder.resolve(UpdateStage.CRITIC_OPTIMIZER))) {
                  criticOptimizer.save(out);
                }
              }
              JSON.writeValue(
                  folder.resolve(UpdateStage.STATE_FILE).toFile(),
                  CheckpointState.INITIAL.toJson());
            });
  }
}
