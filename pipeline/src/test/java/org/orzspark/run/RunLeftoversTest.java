package org.orzspark.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-of-iteration cleanup on a planted run folder (no Spark). */
class RunLeftoversTest {

  private static Path file(Path root, String relative) throws IOException {
    Path path = root.resolve(relative);
    Files.createDirectories(path.getParent());
    return Files.writeString(path, "x");
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void leftoverTempsOfCrashedAttemptsAreRemovedAndNothingElse(@TempDir Path root)
      throws IOException {
    RunLayout layout = new RunLayout(root);
    List<String> kept =
        List.of(
            "run.json",
            "_lock.json",
            "prompts/part-0.parquet",
            "checkpoints/iter-000000/_SUCCESS",
            "checkpoints/iter-000002/_SUCCESS",
            "checkpoints/iter-000003/policy/model.safetensors", // newer than the latest: not a
            // prune's
            "rollouts/iteration=2/_SUCCESS",
            "rollouts/iteration=2/part-0.parquet",
            "rollouts/_prompts/iteration=3/part-0.parquet",
            "experience/iteration=2/part-0.parquet",
            "metrics/metrics.jsonl",
            "metrics/failures.jsonl",
            "metrics/iteration=2/part-0.parquet",
            // not an iteration's: orz evaluate and orz analyze may be writing these right now
            "eval/checkpoint=2/.benchmark=aime.tmp-1234/part-0.parquet",
            "analysis/.iterations.tmp-1234/part-0.parquet",
            "reports/index.html");
    List<String> leftovers =
        List.of(
            "checkpoints/.iter-000003.tmp-5f0c/policy/model.safetensors",
            "checkpoints/iter-000001/policy/model.safetensors", // a prune cut short: marker gone
            "rollouts/.iteration=3.tmp-9a1b/part-0.parquet",
            "rollouts/_generated/.iteration=3.tmp-77aa/part-0.parquet",
            "rollouts/_prompts/.iteration=3.tmp-1c2d/_temporary/0/part-0.parquet",
            "experience/.iteration=3.tmp-e0e0/part-0.parquet",
            "metrics/.iteration=3.tmp-b3b3/part-0.parquet",
            "metrics/.metrics.jsonl.tmp-0d0d",
            "metrics/metrics.jsonl.tmp"); // the fixed name earlier versions used
    for (String path : kept) {
      file(root, path);
    }
    for (String path : leftovers) {
      file(root, path);
    }

    List<org.apache.hadoop.fs.Path> removed = RunLeftovers.remove(LocalRuns.store(root));

    assertThat(removed)
        .extracting(layout::relative)
        .containsExactlyInAnyOrder(
            "checkpoints/.iter-000003.tmp-5f0c",
            "checkpoints/iter-000001",
            "rollouts/.iteration=3.tmp-9a1b",
            "rollouts/_generated/.iteration=3.tmp-77aa",
            "rollouts/_prompts/.iteration=3.tmp-1c2d",
            "experience/.iteration=3.tmp-e0e0",
            "metrics/.iteration=3.tmp-b3b3",
            "metrics/.metrics.jsonl.tmp-0d0d",
            "metrics/metrics.jsonl.tmp");
    assertThat(tree(root)).containsExactlyElementsOf(kept.stream().sorted().toList());
    assertThat(RunLeftovers.remove(LocalRuns.store(root))).isEmpty();
  }

  @Test
  void anEmptyOrFreshRunHasNothingToRemove(@TempDir Path root) throws IOException {
    assertThat(RunLeftovers.remove(LocalRuns.store(root))).isEmpty();
  }
}
