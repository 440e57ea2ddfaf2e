package org.orzspark.stages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.orzspark.datasets.PromptSchema;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.datasets.io.DriverParquet;
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

  /**
   * Draws and writes the iteration's prompts. The prompt set is read on the driver ({@link
   * DriverParquet}: its ids, then the drawn rows), so the only Spark job is the write of the drawn
   * rows.
   *
   * @return what it wrote, so that the iteration goes on without reading it back
   */
  public static Result run(IterationContext ctx, PromptSampler.Cursor cursor) throws IOException {
    Stopwatch stage = Stopwatch.start();
    ctx.jobGroup("sample");
    Configuration conf = ctx.spark().sparkContext().hadoopConfiguration();
    String[] promptSet = {ctx.layout().prompts().toString()};
    List<String> read = new ArrayList<>();
    DriverParquet.read(
        conf, promptSet, List.of(PromptSchema.PROMPT_ID), v -> read.add((String) v[0]));
    List<String> ids = inPromptSetOrder(read);
    long seed = ctx.get(RunSettings.SEED);
    PromptSampler.Draw draw =
        PromptSampler.draw(seed, ids.size(), cursor, ctx.get(RunSettings.PROMPTS_PER_ITERATION));
    // A draw across an epoch boundary may take a prompt twice: an id maps to all its positions.
    Map<String, List<Integer>> ordersOf = new HashMap<>();
    for (int i = 0; i < draw.indices().size(); i++) {
      ordersOf.computeIfAbsent(ids.get(draw.indices().get(i)), id -> new ArrayList<>()).add(i);
    }
    SampledPrompt[] drawn = new SampledPrompt[draw.indices().size()];
    DriverParquet.read(
        conf,
        promptSet,
        List.of(PromptSchema.PROMPT_ID, PromptSchema.QUESTION, PromptSchema.ANSWER),
        v -> {
          for (int order : ordersOf.getOrDefault((String) v[0], List.of())) {
            drawn[order] = new SampledPrompt(order, (String) v[0], (String) v[1], (String) v[2]);
          }
        });
    List<SampledPrompt> prompts = Arrays.asList(drawn);
    if (prompts.contains(null)) {
      throw new IllegalStateException("the prompt set changed while the prompts were drawn");
    }
    Dataset<Row> chosen =
        ctx.spark()
            .createDataFrame(
                prompts.stream().map(SampledPromptTable::toRow).toList(), SampledPromptTable.SCHEMA)
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
                  Map.of(
                      "prompts", (double) prompts.size(), "prompt_set_size", (double) ids.size()),
                  Map.of(CURSOR_BEFORE, cursor.text(), CURSOR_AFTER, draw.next().text()))
              .toJson());
      out.commit();
    }
    return new Result(List.copyOf(prompts), draw.next());
  }

  /**
   * The prompt set's ids in the order an index into the set refers to: Spark's order of strings, by
   * their UTF-8 bytes compared unsigned (which differs from {@link String#compareTo} for characters
   * beyond U+FFFF), as the draw has always used it.
   *
   * @throws IllegalArgumentException for a missing or repeated id (an index must name one prompt)
   */
  static List<String> inPromptSetOrder(List<String> ids) {
    record Key(byte[] utf8, String id) {}
    List<Key> keys = new ArrayList<>(ids.size());
    for (String id : ids) {
      if (id == null) {
        throw new IllegalArgumentException("the prompt set has a prompt without a prompt_id");
      }
      keys.add(new Key(id.getBytes(StandardCharsets.UTF_8), id));
    }
    keys.sort((a, b) -> Arrays.compareUnsigned(a.utf8(), b.utf8()));
    List<String> ordered = new ArrayList<>(keys.size());
    for (Key key : keys) {
      if (!ordered.isEmpty() && ordered.get(ordered.size() - 1).equals(key.id())) {
        throw new IllegalArgumentException("the prompt set repeats prompt_id " + key.id());
      }
      ordered.add(key.id());
    }
    return ordered;
  }

  /** The completed stage's prompts (in draw order) and cursor, read on the driver. */
  public static Result read(IterationContext ctx) throws IOException {
    var folder = ctx.layout().sampledPrompts(ctx.iteration());
    List<SampledPrompt> prompts =
        SampledPromptTable.read(
            ctx.spark().sparkContext().hadoopConfiguration(), ctx.dataFiles(folder));
    return new Result(
        prompts, PromptSampler.Cursor.parse(ctx.record(folder).notes().get(CURSOR_AFTER)));
  }
}
