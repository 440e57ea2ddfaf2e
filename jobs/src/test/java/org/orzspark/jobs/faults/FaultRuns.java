package org.orzspark.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.orzspark.datasets.io.AtomicOutput;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.Iteration;
import org.orzspark.stages.MicroRuns;
import org.orzspark.stages.RunInitializer;
import org.orzspark.stages.UpdateStage;
import org.orzspark.testing.SharedSpark;

/**
 * What the fault tests share, made once per JVM: a micro run just initialised (the state every
 * faulted run starts from, copied) and the same run after one undisturbed iteration (the reference
 * every faulted run must end equal to), with the comparisons that say "equal": rollout and
 * experience rows, checkpoint digests, nothing left over.
 */
final class FaultRuns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static FaultRuns shared;

  private final Path dir;
  final SparkSession spark;

  /** A run right after {@code orz init}. */
  final Path fresh;

  /** {@link #fresh} after one undisturbed iteration. */
  final Path reference;

  final Snapshot expected;

  private FaultRuns(Path dir) throws IOException {
    this.dir = dir;
    spark = SharedSpark.session();
    Path base = MicroRuns.base(dir.resolve("base"));
    Path prompts = MicroRuns.prompts(spark, dir.resolve("prompts"), 40);
    fresh = dir.resolve("fresh");
    RunInitializer.init(spark, fresh.toString(), MicroRuns.config(base, prompts, Map.of()));
    reference = dir.resolve("reference");
    expected = undisturbed(spark, fresh, reference);
  }

  /**
   * Copies {@code fresh} to {@code target}, runs one undisturbed iteration there in {@code spark}'s
   * session and returns what it left: the reference a faulted run must end equal to.
   */
  static Snapshot undisturbed(SparkSession spark, Path fresh, Path target) throws IOException {
    copy(fresh, target);
    Iteration.run(spark, target.toString(), null, quiet());
    return Snapshot.of(spark, target, 1);
  }

  static synchronized FaultRuns get() throws IOException {
    if (shared == null) {
      Path dir = Files.createTempDirectory("orz-faults");
      shared = new FaultRuns(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
    }
    return shared;
  }

  /** A copy of {@code run} at {@code target} (a faulted run starts from it). */
  static Path copy(Path run, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(run)) {
      for (Path path : paths.toList()) {
        Path to = target.resolve(run.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(to);
        } else {
          Files.copy(path, to);
        }
      }
    }
    return target;
  }

  /** A fresh folder beside the fixture's runs for one test (deleted with them). */
  static Path scratch(String name) throws IOException {
    return Files.createTempDirectory(get().dir, name);
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  /**
   * What a finished iteration left: its rollout and experience rows (sorted, as JSON), the
   * checkpoint's file digests (its manifest, without {@code update.json}, which holds timings) and
   * parameter digests.
   */
  record Snapshot(
      List<String> rollouts,
      List<String> experience,
      Map<String, String> checkpointFiles,
      List<Object> parameterDigests) {
    static Snapshot of(SparkSession spark, Path run, int iteration) throws IOException {
      RunLayout layout = new RunLayout(run);
      Path checkpoint = LocalRuns.local(layout.checkpoint(iteration));
      @SuppressWarnings("unchecked")
      Map<String, String> manifest =
          new TreeMap<>(
              JSON.readValue(checkpoint.resolve(CheckpointStore.MANIFEST).toFile(), Map.class));
      manifest.remove(UpdateStage.UPDATE_FILE);
      Map<?, ?> update =
          JSON.readValue(checkpoint.resolve(UpdateStage.UPDATE_FILE).toFile(), Map.class);
      return new Snapshot(
          rows(spark, layout.rollouts(iteration)),
          rows(spark, layout.experience(iteration)),
          manifest,
          List.of(update.get("digest/policy"), update.get("digest/critic")));
    }

    private static List<String> rows(SparkSession spark, org.apache.hadoop.fs.Path folder) {
      return spark
          .read()
          .parquet(folder.toString())
          .orderBy("prompt_id", "sample_index")
          .toJSON()
          .collectAsList();
    }
  }

  /**
   * Asserts that {@code run} finished iteration 1 exactly as the undisturbed reference did, with
   * every stage output verified against its marker, one metrics line, and nothing left over: no
   * temp file or folder of a writer, no lock, no unscored rows. Returns the rows it compared.
   */
  long assertSameAsReference(Path run) throws IOException {
    return assertSame(spark, expected, run);
  }

  /**
   * Asserts that {@code run} finished iteration 1 with the rows and checkpoint of {@code expected},
   * as {@link #assertSameAsReference} does for the shared reference; returns the rows it compared.
   */
  static long assertSame(SparkSession spark, Snapshot expected, Path run) throws IOException {
    RunLayout layout = new RunLayout(run);
    CheckpointStore checkpoints = new CheckpointStore(LocalRuns.store(layout));
    assertThat(checkpoints.latestComplete().orElseThrow().iteration()).isEqualTo(1);
    Snapshot actual = Snapshot.of(spark, run, 1);
    assertThat(actual.rollouts()).as("rollout rows").isEqualTo(expected.rollouts());
    assertThat(actual.experience()).as("experience rows").isEqualTo(expected.experience());
    assertThat(actual.checkpointFiles())
        .as("checkpoint file digests")
        .isEqualTo(expected.checkpointFiles());
    assertThat(actual.parameterDigests()).isEqualTo(expected.parameterDigests());
    for (org.apache.hadoop.fs.Path output :
        List.of(
            layout.sampledPrompts(1),
            layout.rollouts(1),
            layout.experience(1),
            layout.metrics(1))) {
      AtomicOutput.Check check =
          AtomicOutput.check(spark.sparkContext().hadoopConfiguration(), output.toString());
      assertThat(check.complete() && check.verified())
          .as(output + " complete and verified")
          .isTrue();
    }
    assertThat(Files.readAllLines(LocalRuns.local(layout.metricsJsonl()))).hasSize(1);
    assertThat(leftovers(run)).as("left over in " + run).isEmpty();
    return actual.rollouts().size() + actual.experience().size();
  }

  /** Temp files and folders of any writer, the lock, unscored rows: none in a clean run. */
  static List<String> leftovers(Path run) throws IOException {
    try (Stream<Path> paths = Files.walk(run)) {
      return paths
          .map(p -> run.relativize(p).toString())
          .filter(
              p ->
                  p.contains(".tmp")
                      || p.contains("_temporary")
                      || p.equals("_lock.json")
                      || p.startsWith("rollouts/_generated/"))
          .toList();
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
