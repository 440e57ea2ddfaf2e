package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.evaluation.Evaluator;
import org.orzspark.evaluation.ScoredSampling;
import org.orzspark.jobs.Orz;
import org.orzspark.model.BigramModels;
import org.orzspark.report.Charts;
import org.orzspark.report.PngImages;
import org.orzspark.report.RunReport;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.run.RunSettings;
import org.orzspark.testing.SharedSpark;

/**
 * {@code orz evaluate} end to end with {@link BigramModels} whose answers are known: on a model
 * folder, and on a run's checkpoints, whose rows land in {@code R/eval/} and in the run report.
 */
class EvaluateCommandTest {
  private static final Offset<Double> EXACT = Offset.offset(1e-12);

  @TempDir static Path dir;
  static Path golds;
  static Path letters;
  static Path run;

  private final SparkSession spark = SharedSpark.session();

  /**
   * {@code golds.jsonl} (JSON Lines): golds 7, 7.0, 14/2, 3, -7. {@code letters.json} (ORZ eval
   * JSON, GPQA-style choices): golds 7 and C. A run whose checkpoint 1 answers 3 and checkpoint 2
   * answers 7.
   */
  @BeforeAll
  static void writeFilesAndRun() throws Exception {
    golds = dir.resolve("golds.jsonl");
    StringBuilder jsonl = new StringBuilder();
    String[] answers = {"7", "7.0", "\\\\frac{14}{2}", "3", "-7"};
    for (int i = 0; i < answers.length; i++) {
      jsonl
          .append("{\"problem\": \"Question ")
          .append(i)
          .append("?\", \"answer\": \"")
          .append(answers[i])
          .append("\"}\n");
    }
    Files.writeString(golds, jsonl);
    letters = dir.resolve("letters.json");
    Files.writeString(
        letters,
        """
        [{"prompt": [{"from": "user", "value": "Seven?"}], "final_answer": "7"},
         {"prompt": [{"from": "user", "value": "Which?\\n\\nA. a\\nB. b\\nC. c\\nD. d"}],
          "final_answer": "C", "choices": {"A": "a", "B": "b", "C": "c", "D": "d"}}]
        """);

    run = Files.createDirectories(dir.resolve("run"));
    RunConfig config =
        RunConfig.resolve(
            dir.resolve("base").toString(),
            "prompts",
            "test",
            new Properties(),
            Map.of("rollout.max_response_tokens", "8", "rollout.batch_sequences", "8"));
    config.write(LocalRuns.store(run));
    CheckpointStore store = new CheckpointStore(LocalRuns.store(run));
    store.write(1, f -> BigramModels.write(f.resolve("policy"), BigramModels.answering("3")));
    store.write(2, f -> BigramModels.write(f.resolve("policy"), BigramModels.answering("7")));
  }

  static EvaluateCommand parse(String... args) {
    return (EvaluateCommand)
        Orz.commandLine().parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  void withoutARunTheDefaultsAreTheBuiltInSettings() {
    RunConfig defaults = RunConfig.defaults();
    assertThat(parse("evaluate", "--model", "m", "--eval", "f").settings(null))
        .isEqualTo(
            new ScoredSampling.Settings(
                16,
                defaults.get(RunSettings.TEMPERATURE),
                defaults.get(RunSettings.TOP_P),
                defaults.get(RunSettings.MAX_RESPONSE_TOKENS),
                defaults.get(RunSettings.PROMPT_TEMPLATE),
                defaults.get(RunSettings.ROLLOUT_BATCH_SEQUENCES),
                42,
                defaults.get(RunSettings.GPUS_PER_TASK)));
    assertThat(
            parse(
                    "evaluate",
                    "--model",
                    "m",
                    "--eval",
                    "f",
                    "--temperature",
                    "0.5",
                    "--max-new-tokens",
                    "12")
                .settings(null))
        .satisfies(
            s -> {
              assertThat(s.temperature()).isEqualTo(0.5);
              assertThat(s.maxNewTokens()).isEqualTo(12);
            });
  }

  @Test
  void aModelFolderGetsHandComputedFiguresAndWritesNothing() throws Exception {
    Path model = BigramModels.write(dir.resolve("sevens"), BigramModels.answering("7"));
    List<Evaluator.Result> results =
        parse("evaluate", "--model", model.toString(), "--eval", golds.toString(), "--samples", "2")
            .run(spark);

    // Every response boxes 7: golds 7, 7.0 and 14/2 are solved by both samples, 3 and -7 by none.
    assertThat(results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.benchmark()).isEqualTo("golds");
              assertThat(r.questions()).isEqualTo(5);
              assertThat(r.samples()).isEqualTo(2);
              assertThat(r.avgAtK()).isCloseTo(0.6, EXACT);
              assertThat(r.passAtK()).isCloseTo(0.6, EXACT);
              assertThat(r.majAtK()).isCloseTo(0.6, EXACT);
              assertThat(r.formatRate()).isEqualTo(1.0);
            });
    assertThat(model.resolve("eval")).doesNotExist();
  }

  @Test
  void aModelTogetherWithARunIsRefusedRatherThanStoringNothing() {
    Path model = dir.resolve("sevens");
    assertThatThrownBy(
            () ->
                parse(
                        "evaluate",
                        "--run-dir",
                        run.toString(),
                        "--model",
                        model.toString(),
                        "--eval",
                        golds.toString())
                    .run(spark))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("either --run-dir");
    assertThatThrownBy(
            () ->
                parse(
                        "evaluate",
                        "--model",
                        model.toString(),
                        "--checkpoint",
                        "1",
                        "--eval",
                        golds.toString())
                    .run(spark))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--checkpoint");
  }

  @Test
  void checkpointsOfARunGetOneRowPerCheckpointAndBenchmarkAndAppearInTheReport() throws Exception {
    String[] evalFiles = {"--eval", golds.toString(), letters.toString(), "--samples", "2"};
    parse(concat(new String[] {"evaluate", "--run-dir", run.toString()}, evalFiles)).run(spark);
    parse(
            concat(
                new String[] {"evaluate", "--run-dir", run.toString(), "--checkpoint", "1"},
                evalFiles))
        .run(spark);
    // Evaluating a checkpoint x benchmark again replaces its row.
    parse(concat(new String[] {"evaluate", "--run-dir", run.toString()}, evalFiles)).run(spark);

    Path eval = LocalRuns.local(new RunLayout(run).eval());
    assertThat(eval.resolve("checkpoint=2/benchmark=golds/_SUCCESS")).exists();
    Map<?, ?> json =
        new ObjectMapper()
            .readValue(
                eval.resolve("checkpoint=2/benchmark=golds")
                    .resolve(EvaluateCommand.RESULT_FILE)
                    .toFile(),
                Map.class);
    assertThat(((Number) json.get("avg_at_k")).doubleValue()).isCloseTo(0.6, EXACT);

    List<Row> rows =
        spark
            .read()
            .parquet(eval.toString())
            .selectExpr(
                "checkpoint",
                "benchmark",
                "questions",
                "samples",
                "avg_at_k",
                "pass_at_k",
                "maj_at_k",
                "format_rate")
            .orderBy("checkpoint", "benchmark")
            .collectAsList();
    // checkpoint 1 boxes 3: golds solves "3" (1 of 5), letters nothing;
    // checkpoint 2 boxes 7: golds 3 of 5, letters "7" (1 of 2; C is not 7).
    assertThat(rows)
        .extracting(Row::toString)
        .containsExactly(
            "[1,golds,5.0,2.0,0.2,0.2,0.2,1.0]",
            "[1,letters,2.0,2.0,0.0,0.0,0.0,1.0]",
            "[2,golds,5.0,2.0,0.6,0.6,0.6,1.0]",
            "[2,letters,2.0,2.0,0.5,0.5,0.5,1.0]");

    RunReport.Result report = RunReport.write(spark, run, RunReport.Options.DEFAULTS);
    String html = Files.readString(LocalRuns.local(report.index()), StandardCharsets.UTF_8);
    // The counts are not charted; the rates are, one line per benchmark over checkpoints 1, 2.
    assertThat(report.charts())
        .containsExactly(
            "eval-avg_at_k.png", "eval-pass_at_k.png", "eval-maj_at_k.png", "eval-format_rate.png");
    for (String chart : report.charts()) {
      var image = PngImages.read(run.resolve("reports").resolve(chart));
      assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
      assertThat(PngImages.distinctColours(image)).as(chart).isGreaterThan(20);
      assertThat(html).contains("<img src=\"" + chart + "\"");
    }
    assertThat(html)
        .contains(
            "<tr><th>checkpoint</th><th>benchmark</th><th>questions</th>"
                + "<th>samples</th><th>avg_at_k</th><th>pass_at_k</th><th>maj_at_k</th>")
        .contains("<tr><td>1</td><td>golds</td><td>5</td><td>2</td><td>0.2000</td><td>0.2000</td>")
        .contains("<tr><td>2</td><td>letters</td><td>2</td><td>2</td><td>0.5000</td>");
  }

  @Test
  void anIncompleteCheckpointIsRefusedWithItsProblem() throws IOException {
    // A folder without its marker: an update cut short while writing checkpoint 5.
    Files.createDirectories(LocalRuns.local(new RunLayout(run).checkpoint(5)));
    assertThatThrownBy(
            () ->
                parse(
                        "evaluate",
                        "--run-dir",
                        run.toString(),
                        "--checkpoint",
                        "5",
                        "--eval",
                        golds.toString())
                    .run(spark))
        .hasMessageContaining("checkpoint 5 is not usable: no _SUCCESS marker");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
