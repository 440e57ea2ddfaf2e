package org.orzspark.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.OrzCli;
import org.orzspark.model.CriticModel;
import org.orzspark.model.HostTensor;
import org.orzspark.model.ModelCheckpoint;
import org.orzspark.model.PolicyModel;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunLayout;
import org.orzspark.stages.MicroRuns;
import org.orzspark.testing.SharedSpark;

/**
 * {@code orz init} then {@code orz export --critic} on the command line, as a user runs them: a
 * micro base model with a real tokenizer, checkpoint 0 exported in two shards and loaded back with
 * its tokenizer.
 */
class ExportEndToEndTest {
  @TempDir Path dir;

  @Test
  void checkpointZeroOfAnInitRunExportsWithTokenizerAndCritic() throws Exception {
    Path base = MicroRuns.base(dir.resolve("base"));
    Path prompts = MicroRuns.prompts(SharedSpark.session(), dir.resolve("prompts"), 8);
    Path run = dir.resolve("run");
    OrzCli.Outcome init =
        OrzCli.execute(
            "init",
            "--run-dir",
            run.toString(),
            "--base",
            base.toString(),
            "--prompts",
            prompts.toString(),
            "--set",
            "data.max_prompt_tokens=4096",
            "--set",
            "data.prompts_per_iteration=4",
            "--set",
            "rollout.samples_per_prompt=4",
            "--set",
            "ppo.critic_minibatches=2",
            "--set",
            "rollout.max_response_tokens=8");
    assertThat(init.status()).as(init.err()).isZero();
    Path out = dir.resolve("export");

    OrzCli.Outcome export =
        OrzCli.execute(
            "export",
            "--run-dir",
            run.toString(),
            "--critic",
            "--max-shard-size",
            "40KB",
            "--output",
            out.toString());

    assertThat(export.status()).as(export.err()).isZero();
    try (Stream<Path> files = Files.list(out)) {
      List<String> listing = files.map(f -> f.getFileName() + " " + size(f)).sorted().toList();
      System.out.println("export listing:\n  " + String.join("\n  ", listing));
      assertThat(listing)
          .extracting(line -> line.split(" ")[0])
          .containsExactly(
              "README.md",
              "_SUCCESS",
              "config.json",
              "critic",
              "generation_config.json",
              "model-00001-of-00002.safetensors",
              "model-00002-of-00002.safetensors",
              "model.safetensors.index.json",
              "tokenizer.json",
              "tokenizer_config.json");
    }
    Path checkpoint = LocalRuns.local(new RunLayout(run).checkpoint(0));
    try (NDManager manager = NDManager.newBaseManager();
        PolicyModel policy = PolicyModel.load(out, manager)) {
      assertThat(policy.tokenizerDir()).contains(out);
      assertThat(policy.config().torchDtype()).isEqualTo("bfloat16");
    }
    ModelCheckpoint critic = ModelCheckpoint.read(out.resolve("critic"));
    assertThat(critic.tokenizerDir()).contains(out.resolve("critic"));
    float[] head = HostTensor.copyOf(critic.tensors().get(CriticModel.VALUE_HEAD)).data();
    float[] trained =
        HostTensor.copyOf(
                ModelCheckpoint.read(checkpoint.resolve("critic"))
                    .tensors()
                    .get(CriticModel.VALUE_HEAD))
            .data();
    for (int i = 0; i < head.length; i++) {
      assertThat(head[i])
          .isCloseTo(trained[i], org.assertj.core.data.Percentage.withPercentage(0.4));
    }
  }

  private static String size(Path file) {
    try {
      return Files.isDirectory(file) ? "dir" : String.valueOf(Files.size(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
