package org.orzspark.stages;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.FaultPoints;
import org.orzspark.run.PromptSampler;
import org.orzspark.run.RunSettings;

/**
 * Stage 1: the prompts of this iteration, drawn from the run's prompt set with the epoch-wise
 * seeded permutation at the data cursor of the previous checkpoint. The prompt set is ordered by
 * {@code prompt_id}, so an index means the same prompt on every machine and every run.
 */
public final class SampleStage {
  private SampleStage() {}

  /** One prompt of the iteration, in draw order. */
  public record SampledPrompt(int order, String promptId, String question, String answer)
      implements java.io.Serializable {}

  /** The drawn prompts and the data cursor after the draw. */
  public record Result(List<SampledPrompt> prompts, PromptSampler.Cursor next) {}

  private static final StructType SCHEMA =
      new StructType()
          .add("order", DataTypes.IntegerType, false)
          .add("prompt_id", DataTypes.StringType, false);

  public static void run(IterationContext ctx, PromptSampler.Cursor cursor) throws IOException {
    long started = System.nanoTime();
    ctx.jobGroup("sample");
    Dataset<Row> prompts = ctx.spark().read().parquet(ctx.layout().prompts().toString());
    List<String> ids =
        prompts.select("prompt_id").orderBy("prompt_id").as(Encoders.STRING()).collectAsList();
    long seed = ctx.get(RunSettings.SEED);
    PromptSampler.Draw draw =
        PromptSampler.draw(seed, ids.size(), cursor, ctx.get(RunSettings.PROMPTS_PER_ITERATION));
    List<Row> order = new ArrayList<>();
    for (int i = 0; i < draw.indices().size(); i++) {
      order.add(RowFactory.create(i, ids.get(draw.indices().get(i))));
    }
    Dataset<Row> chosen =
        ctx.spark().createDataFrame(order, SCHEMA)
            .join(prompts, "prompt_id")
            .select(col("order"), col("prompt_id"), col("question"), col("answer"))
            .orderBy("order")
            .coalesce(1);
    Path folder = ctx.layout().sampledPrompts(ctx.iteration());
    try (AtomicOutput out = ctx.begin(folder)) {
      out.writeParquet(chosen, "");
      FaultPoints.reach("sample");
      double seconds = (System.nanoTime() - started) / 1e9;
      out.writeText(StageRecord.FILE, new StageRecord("sample", seconds,
          Map.of("prompts", (double) order.size(), "prompt_set_size", (double) ids.size()),
          Map.of("cursor_before", cursor.epoch() + ":" + cursor.offset(),
              "cursor_after", draw.next().epoch() + ":" + draw.next().offset())).toJson());
      out.commit();
    }
  }

  /** The completed stage's prompts (in draw order) and cursor. */
  public static Result read(IterationContext ctx) throws IOException {
    Path folder = ctx.layout().sampledPrompts(ctx.iteration());
    List<SampledPrompt> prompts =
        ctx.spark().read().parquet(ctx.dataFiles(folder)).orderBy("order").collectAsList().stream()
            .map(r -> new SampledPrompt(r.getInt(0), r.getString(1), r.getString(2), r.getString(3)))
            .toList();
    String[] next = StageRecord.read(folder).notes().get("cursor_after").split(":");
    return new Result(prompts,
        new PromptSampler.Cursor(Integer.parseInt(next[0]), Integer.parseInt(next[1])));
  }
}
