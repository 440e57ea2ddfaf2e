package org.orzspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.Orz;
import org.orzspark.model.Qwen2Config;
import org.orzspark.run.RunSettings;
import picocli.CommandLine;

/**
 * {@code orz plan} as a user runs it; the figures are those of MemoryPlanTest and ComputePlanTest.
 */
class PlanCommandTest {

  @TempDir Path dir;

  /** Exit status, standard output and standard error of one in-process command line. */
  private record Run(int status, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run plan(String... args) {
    CommandLine commandLine = Orz.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] all = Stream.concat(Stream.of("plan"), Arrays.stream(args)).toArray(String[]::new);
    return new Run(commandLine.execute(all), out.toString(), err.toString());
  }

  @Test
  void orz7bOn32GpusOf80GigabytesFitsAndCostsFiveAndAHalfGpuHoursPerIteration() {
    Run run = plan("--profile", "orz-7b", "--gpus", "32", "--gpu-memory", "80g");

    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.lines())
        .contains(
            "orz plan: profile orz-7b, model qwen2.5-7b: policy 7,615,616,512 parameters, critic 7,070,622,720;"
                + " 32 GPUs x 80.00 GiB at 400 TFLOP/s",
            "update replicas 32 (update.replicas = 0: one per GPU), optimizer shards 32, activation checkpointing on",
            "  weights (bf16)                                                14.19 GiB    13.17 GiB",
            "  optimizer shard (fp32 master + 2 Adam moments) / 32            2.66 GiB     2.47 GiB",
            "  activations (micro-batch of 16,384 tokens, checkpointed)       6.19 GiB     6.19 GiB",
            "  KV cache (64 rows x 10,048 tokens, bf16)                      34.34 GiB            -",
            "update phase (both models' states, one's activations)           66.03 GiB of 80.00 GiB",
            "fits: yes",
            "largest rollout batch per GPU: 122 rows of 10,048 tokens (65.81 GiB left after the policy weights,"
                + " 549.50 MiB of KV cache per row)",
            "  total         7.858e+18 FLOPs      5.457 GPU-hours",
            "GPU-hours per iteration: 5.457 at 400 TFLOP/s per GPU; 10.2 minutes on 32 GPUs if all stay busy",
            "  GPU-hours = FLOPs / (TFLOP/s * 1e12) / 3600");
    // Until issue 15 declares them, the settings the plan depends on are assumed, and it says so.
    assertThat(run.out().contains("assumed ppo.activation_checkpointing = true"))
        .isEqualTo(!RunSettings.all().containsKey("ppo.activation_checkpointing"));
    assertThat(run.out().contains("assumed update.sharding = optimizer"))
        .isEqualTo(!RunSettings.all().containsKey("update.sharding"));
  }

  @Test
  void whatOverflowsIsNamed() {
    // Today's engine on one replica: fp32 and an unsharded optimizer; 200 rows decoded at once.
    Run run =
        plan(
            "--profile",
            "orz-7b",
            "--gpus",
            "32",
            "--gpu-memory",
            "80g",
            "--precision",
            "fp32",
            "--set",
            "update.replicas=1",
            "--set",
            "rollout.batch_sequences=200");

    assertThat(run.status()).isZero();
    assertThat(run.lines())
        .filteredOn(line -> line.startsWith("fits: "))
        .singleElement()
        .asString()
        .startsWith("fits: no (update needs ")
        .contains(" of 80.00 GiB, largest part optimizer shards 109.42 GiB; rollout needs ")
        .endsWith(": KV cache of 200 rows 214.65 GiB, at most 48 rows fit)");
    assertThat(run.lines())
        .contains(
            "precision fp32: fp32 weights, gradients, activations and KV cache; 2 fp32 Adam moments in the optimizer");
  }

  @Test
  void theTinyProfilePlansTheTinyModelWithoutCheckpointing() {
    Run run =
        plan(
            "--profile",
            "tiny-cpu",
            "--gpus",
            "1",
            "--gpu-memory",
            "16g",
            "--mean-response-tokens",
            "100",
            "--tflops",
            "1.5");

    assertThat(run.status()).isZero();
    assertThat(run.lines())
        .contains(
            "orz plan: profile tiny-cpu, model tiny: policy 870,016 parameters, critic 870,144;"
                + " 1 GPU x 16.00 GiB at 1.5 TFLOP/s",
            "update replicas 1 (update.replicas), optimizer shards 1, activation checkpointing off",
            "fits: yes");
    // 16 prompts x 8 samples of 512 + 100 tokens; the micro-batch is tiny-cpu's 4,096 tokens.
    assertThat(run.out())
        .contains("12,800 generated tokens, 78,336 trained tokens per model")
        .contains("activations (micro-batch of 4,096 tokens, not checkpointed)")
        .contains("training = 3 x experience (6*N per trained token plus attention)");
  }

  @Test
  void aConfigJsonGivesTheSameShapeAsItsName() throws Exception {
    Path config = dir.resolve("config.json");
    Qwen2Config.named("tiny").write(config);
    Run fromFile =
        plan(
            "--profile",
            "tiny-cpu",
            "--gpus",
            "2",
            "--gpu-memory",
            "8g",
            "--model-config",
            config.toString());
    Run byName =
        plan("--profile", "tiny-cpu", "--gpus", "2", "--gpu-memory", "8g", "--model", "tiny");

    assertThat(fromFile.status()).isZero();
    assertThat(fromFile.lines().get(0)).contains("model " + config + ": policy 870,016 parameters");
    assertThat(fromFile.lines().subList(1, fromFile.lines().size()))
        .isEqualTo(byName.lines().subList(1, byName.lines().size()));
  }

  @Test
  void callerMistakesAreOneLineWithUsageStatus() throws Exception {
    Path noModel = dir.resolve("mine.properties");
    Files.writeString(noModel, "data.prompts_per_iteration = 8\n");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"vocab_size\": 10}");
    String[][] cases = {
      {
        "orz plan: unknown profile 'orz-70b'; packed profiles: ",
        "--profile",
        "orz-70b",
        "--gpus",
        "8",
        "--gpu-memory",
        "80g"
      },
      {
        "orz plan: --gpu-memory: '80' is not a memory size with a unit, e.g. 80g or 141g",
        "--profile",
        "orz-7b",
        "--gpus",
        "8",
        "--gpu-memory",
        "80"
      },
      {
        "orz plan: --gpus must be at least 1, got 0",
        "--profile",
        "orz-7b",
        "--gpus",
        "0",
        "--gpu-memory",
        "80g"
      },
      {
        "orz plan: give --model or --model-config, not both",
        "--profile",
        "orz-7b",
        "--gpus",
        "8",
        "--gpu-memory",
        "80g",
        "--model",
        "tiny",
        "--model-config",
        broken.toString()
      },
      {
        "orz plan: profile mine names no base model: give --model (tiny, small, qwen2.5-0.5b",
        "--profile",
        noModel.toString(),
        "--gpus",
        "8",
        "--gpu-memory",
        "80g"
      },
      {
        "orz plan: unknown model 'llama-7b'",
        "--profile",
        "orz-7b",
        "--gpus",
        "8",
        "--gpu-memory",
        "80g",
        "--model",
        "llama-7b"
      },
      {
        "orz plan: " + broken + ": missing field",
        "--gpus",
        "8",
        "--gpu-memory",
        "80g",
        "--model-config",
        broken.toString()
      },
      {
        "orz plan: --mean-response-tokens must be between 1 and the profile's maximum 8000, got 9000",
        "--profile",
        "orz-7b",
        "--gpus",
        "8",
        "--gpu-memory",
        "80g",
        "--mean-response-tokens",
        "9000"
      },
      {
        "orz plan: in --set: unknown setting 'ppo.nonsense'",
        "--profile",
        "orz-7b",
        "--gpus",
        "8",
        "--gpu-memory",
        "80g",
        "--set",
        "ppo.nonsense=1"
      },
    };
    for (String[] c : cases) {
      Run run = plan(Arrays.copyOfRange(c, 1, c.length));
      assertThat(run.status()).as(c[0]).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(run.err()).as(c[0]).startsWith(c[0]).doesNotContain("\tat ");
      assertThat(run.err().lines()).as(c[0]).hasSize(1);
      assertThat(run.out()).as(c[0]).isEmpty();
    }
  }
}
