package org.orzspark.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.PromptSampler;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSettings;
import org.orzspark.run.SampledPromptTable;
import org.orzspark.run.SampledPromptTable.SampledPrompt;
import org.orzspark.testing.SharedSpark;

/**
 * The sample stage draws on the driver exactly what the draw has always been (the prompt set
 * ordered as Spark orders strings, joined back to its rows), with one Spark job: the write.
 */
class SampleStageTest {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void idsAreOrderedByTheirUtf8BytesAsSparkOrdersStrings() {
    // U+FFFD is EF BF BD in UTF-8, U+1F600 is F0 9F 98 80: Spark puts U+FFFD first, while
    // String.compareTo puts U+1F600 (surrogates D83D DE00) first.
    List<String> ids = List.of("b", "\uD83D\uDE00", "a", "\uFFFD", "B", "\u00E9");
    List<String> expected = List.of("B", "a", "b", "\u00E9", "\uFFFD", "\uD83D\uDE00");
    assertThat(SampleStage.inPromptSetOrder(ids)).containsExactlyElementsOf(expected);
    assertThat(
            spark
                .createDataset(ids, Encoders.STRING())
                .orderBy("value")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void aMissingOrRepeatedIdIsRefused() {
    assertThatThrownBy(() -> SampleStage.inPromptSetOrder(List.of("a", "b", "a")))
        .hasMessageContaining("repeats prompt_id a");
    List<String> withNull = new ArrayList<>(List.of("a"));
    withNull.add(null);
    assertThatThrownBy(() -> SampleStage.inPromptSetOrder(withNull))
        .hasMessageContaining("without a prompt_id");
  }

  @Test
  void theDrawIsTheSortedPromptSetJoinedBackWrittenByOneSparkJob(@TempDir Path dir)
      throws Exception {
    RunLayout layout =
        new RunLayout(MicroRuns.run(spark, dir, 40, Map.of("data.prompts_per_iteration", "16")));
    RunConfig config = RunConfig.read(LocalRuns.store(layout));
    IterationContext ctx = new IterationContext(spark, LocalRuns.store(layout), config, 1);
    // A cursor near the end of the 40-prompt epoch: the draw runs into the next epoch.
    PromptSampler.Cursor cursor = new PromptSampler.Cursor(2, 30);

    List<Integer> before = sampleJobs();
    SampleStage.Result result = SampleStage.run(ctx, cursor);
    List<Integer> jobs = sampleJobs();
    jobs.removeAll(before);

    var promptSet = spark.read().parquet(layout.prompts().toString());
    List<String> ids =
        promptSet
            .select(PromptSchema.PROMPT_ID)
            .orderBy(PromptSchema.PROMPT_ID)
            .as(Encoders.STRING())
            .collectAsList();
    PromptSampler.Draw draw =
        PromptSampler.draw(config.get(RunSettings.SEED), ids.size(), cursor, 16);
    List<SampledPrompt> expected = new ArrayList<>();
    for (int i = 0; i < draw.indices().size(); i++) {
      Row row =
          promptSet
              .where(promptSet.col(PromptSchema.PROMPT_ID).equalTo(ids.get(draw.indices().get(i))))
              .first();
      expected.add(
          new SampledPrompt(
              i,
              row.getAs(PromptSchema.PROMPT_ID),
              row.getAs(PromptSchema.QUESTION),
              row.getAs(PromptSchema.ANSWER)));
    }
    assertThat(result.prompts()).containsExactlyElementsOf(expected);
    assertThat(result.next()).isEqualTo(draw.next()).isEqualTo(new PromptSampler.Cursor(3, 6));
    assertThat(jobs).hasSize(1);

    // What was written reads back the same, on the driver and through Spark.
    SampleStage.Result read = SampleStage.read(ctx);
    assertThat(read).isEqualTo(result);
    assertThat(spark.read().parquet(ctx.dataFiles(layout.sampledPrompts(1))).schema().fieldNames())
        .containsExactly(SampledPromptTable.SCHEMA.fieldNames());
  }

  /** The Spark jobs of the sample stages of iteration 1 so far (of every test of this JVM). */
  private List<Integer> sampleJobs() throws TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    List<Integer> jobs = new ArrayList<>();
    for (int id : spark.sparkContext().statusTracker().getJobIdsForGroup("iteration-1-sample")) {
      jobs.add(id);
    }
    return jobs;
  }
}
