package org.orzspark.stages;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.run.PromptSampler;
import org.orzspark.run.RunSettings;
import org.orzspark.run.SampledPromptTable;
import org.orzspark.run.SampledPromptTable.SampledPrompt;
import org.orzspark.timing.Stopwatch;

/**
 * Stage 1: the prompts of this iteration, drawn from the run's prompt set with the epoch-wise
 * seeded permutation at the data cursor of the previous checkpoint. The prompt set is ordered by
 * {@code prompt_id}, so an index means the same prompt on every machine and every run.
 */
public final class SampleStage {
  /** The stage record's notes: the data cursor before and after the draw. */
  static final String CURSOR_BEFORE = "cursor_before";

  static final String CURSOR_AFTER = "cursor_after";

  private SampleStage() {}

  /** The drawn prompts and the data cursor after the draw. */
  public record Result(List<SampledPrompt> prompts, PromptSampler.Cursor next) {}

  public static void run(IterationContext ctx, PromptSampler.Cursor cursor) throws IOException {
    Stopwatch stage = Stopwatch.start();
    ctx.jobGroup("sample");
    Dataset<Row> prompts = ctx.spark().read().parquet(ctx.layout().prompts().toString());
    List<String> ids =
        prompts
            .select(PromptSchema.PROMPT_ID)
            .orderBy(PromptSchema.PROMPT_ID)
            .as(Encoders.STRING())
            .collectAsList();
    long seed = ctx.get(RunSettings.SEED);
    PromptSampler.Draw draw =
        PromptSampler.draw(seed, ids.size(), cursor, ctx.get(RunSettings.PROMPTS_PER_ITERATION));
    List<Row> order = new ArrayList<>();
    for (int i = 0; i < draw.indices().size(); i++) {
      order.add(SampledPromptTable.drawRow(i, ids.get(draw.indices().get(i))));
    }
    Dataset<Row> chosen =
        ctx.spark()
            .createDataFrame(order, SampledPromptTable.DRAW)
            .join(prompts, SampledPromptTable.PROMPT_ID)
            .select(SampledPromptTable.columns())
            .orderBy(SampledPromptTable.ORDER)
            .coalesce(1);
    var folder = ctx.layout().sampledPrompts(ctx.iteration());
    try (AtomicOutput out = ctx.begin(folder)) {
      out.writeParquet(chosen, "");
      FaultPoints.reach("sample");
      double seconds = stage.seconds();
      out.writeText(
          StageRecord.FILE,
          ctx.newRecord(
                  "sample",
                  seconds,
                  Map.of("prompts", (double) order.size(), "prompt_set_size", (double) ids.size()),
                  Map.of(CURSOR_BEFORE, cursor.text(), CURSOR_AFTER, draw.next().text()))
              .toJson());
      out.commit();
    }
  }

  /** The completed stage's prompts (in draw order) and cursor. */
  public static Result read(IterationContext ctx) throws IOException {
    var folder = ctx.layout().sampledPrompts(ctx.iteration());
    List<SampledPrompt> prompts =
        ctx
            .spark()
            .read()
            .parquet(ctx.dataFiles(folder))
            .orderBy(SampledPromptTable.ORDER)
            .collectAsList()
            .stream()
            .map(SampledPromptTable::fromRow)
            .toList();
    return new Result(
        prompts, PromptSampler.Cursor.parse(ctx.record(folder).notes().get(CURSOR_AFTER)));
  }
}
