package org.orzspark.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.jobs.Orz;
import org.orzspark.model.HostTensor;
import org.orzspark.model.ModelCheckpoint;
import org.orzspark.model.PolicyModel;
import org.orzspark.model.Qwen2Config;
import org.orzspark.model.Qwen2Decoder;
import org.orzspark.model.Safetensors;
import org.orzspark.model.SafetensorsDtype;
import org.orzspark.model.TensorValues;
import org.orzspark.model.TestModels;
import org.orzspark.model.TokenBatch;
import org.orzspark.run.CheckpointStore;
import org.orzspark.run.LocalRuns;
import org.orzspark.run.RunConfig;
import org.orzspark.run.RunLayout;
import org.orzspark.testing.FreshManagerTest;

/**
 * {@code orz export} of a run whose checkpoint 0 holds an untied {@link TestModels} policy and
 * critic and whose checkpoint 1 a tied policy: the export read back by the project's loader, its
 * layout checked against Qwen2's as transformers names it (no network), the critic, the card.
 */
class ExportCommandTest extends FreshManagerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKENIZER = "{\"model\": {\"type\": \"BPE\"}}";

  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void writeRun() throws Exception {
    run = Files.createDirectories(dir.resolve("run"));
    RunLayout layout = new RunLayout(run);
    RunConfig config =
        RunConfig.resolve(
            "/models/qwen-base",
            "/data/prompts",
            "test",
            new Properties(),
            Map.of("rollout.max_response_tokens", "64", "rollout.top_k", "5"));
    JSON.writeValue(LocalRuns.local(layout.runJson()).toFile(), config);
    CheckpointStore store = new CheckpointStore(LocalRuns.store(layout));
    store.write(
        0,
        f -> {
          TestModels.checkpoint(TestModels.untied(), 7, false).write(f.resolve("policy"));
          Files.writeString(f.resolve("policy/tokenizer.json"), TOKENIZER);
          TestModels.checkpoint(TestModels.untied(), 8, true).write(f.resolve("critic"));
        });
    store.write(
        1, f -> TestModels.checkpoint(TestModels.tied(), 9, false).write(f.resolve("policy")));
  }

  static ExportCommand.Result export(String... args) throws Exception {
    List<String> line = new ArrayList<>(List.of("export", "--run-dir", run.toString()));
    line.addAll(List.of(args));
    return ((ExportCommand)
            Orz.commandLine()
                .parseArgs(line.toArray(String[]::new))
                .subcommand()
                .commandSpec()
                .userObject())
        .run();
  }

  private float[] logits(ModelCheckpoint checkpoint, int[] tokens) throws Exception {
    try (PolicyModel policy = PolicyModel.fromCheckpoint(checkpoint, manager);
        NDManager work = manager.newSubManager()) {
      NDList in = Qwen2Decoder.inputs(TokenBatch.padded(new int[][] {tokens}), work);
      return policy
          .logits(policy.decoder().forward(in.get(0), in.get(1), in.get(2)))
          .toFloatArray();
    }
  }

  private static ModelCheckpoint checkpointPolicy(int iteration) throws Exception {
    return ModelCheckpoint.read(
        LocalRuns.local(new RunLayout(run).checkpoint(iteration)).resolve("policy"));
  }

  /** {@code checkpoint} with every weight passed through {@code round}, in memory. */
  private static ModelCheckpoint rounded(ModelCheckpoint checkpoint, UnaryOperator<Float> round)
      throws Exception {
    Map<String, TensorValues> tensors = new LinkedHashMap<>();
    for (TensorValues tensor : checkpoint.tensors().values()) {
      float[] values = HostTensor.copyOf(tensor).data();
      for (int i = 0; i < values.length; i++) {
        values[i] = round.apply(values[i]);
      }
      tensors.put(tensor.name(), new HostTensor(tensor.name(), tensor.shape(), values));
    }
    return new ModelCheckpoint(checkpoint.config(), tensors, Map.of(), checkpoint.tokenizerDir());
  }

  @Test
  void fp32ExportShardedReadsBackBitIdenticalWithTheSameLogits() throws Exception {
    Path out = dir.resolve("fp32");
    ExportCommand.Result result =
        export(
            "--checkpoint",
            "0",
            "--dtype",
            "fp32",
            "--max-shard-size",
            "20KB",
            "--output",
            out.toString());

    assertThat(result.shards()).isGreaterThan(2);
    ModelCheckpoint exported = ModelCheckpoint.read(out);
    ModelCheckpoint original = checkpointPolicy(0);
    assertThat(exported.tensors().keySet()).isEqualTo(original.tensors().keySet());
    for (String name : original.tensors().keySet()) {
      assertThat(HostTensor.copyOf(exported.tensors().get(name)).data())
          .as(name)
          .isEqualTo(HostTensor.copyOf(original.tensors().get(name)).data());
    }
    int[] tokens = TestModels.randomTokens(11, TestModels.untied().vocabSize(), 5);
    assertThat(logits(exported, tokens)).isEqualTo(logits(original, tokens));
  }

  /**
   * A half-precision export changes nothing but the rounding of each weight to 8 (bf16) or 11
   * (fp16) significant bits: its logits are exactly those of the checkpoint's weights rounded in
   * memory. Against the fp32 checkpoint each weight's relative error is at most u = 2^-9 (bf16) or
   * 2^-12 (fp16); a logit is the end of a chain of 7 rounded matrices per layer plus the embedding
   * and the head, and to first order the relative errors of a chain add up, so the bound is (7 x
   * layers + 2) x u of the largest |logit|: 16u for these 2-layer models (measured: 7u to 8u for
   * both dtypes; the figures are printed).
   */
  @Test
  void halfPrecisionLogitsAreThoseOfTheRoundedWeightsAndCloseToTheCheckpoint() throws Exception {
    for (int iteration : new int[] {0, 1}) {
      ModelCheckpoint original = checkpointPolicy(iteration);
      int[] tokens = TestModels.randomTokens(13, original.config().vocabSize(), iteration);
      float[] exact = logits(original, tokens);
      double scale = 0;
      for (float v : exact) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (String dtype : new String[] {"bf16", "fp16"}) {
        Path out = dir.resolve("half-" + iteration + "-" + dtype);
        export(
            "--checkpoint",
            String.valueOf(iteration),
            "--dtype",
            dtype,
            "--output",
            out.toString());
        boolean bf16 = dtype.equals("bf16");
        UnaryOperator<Float> round =
            bf16
                ? v -> SafetensorsDtype.bf16ToFloat(SafetensorsDtype.floatToBf16(v))
                : v -> SafetensorsDtype.f16ToFloat(SafetensorsDtype.floatToF16(v));
        float[] fromExport = logits(ModelCheckpoint.read(out), tokens);

        assertThat(fromExport).isEqualTo(logits(rounded(original, round), tokens));
        double worst = 0;
        for (int i = 0; i < exact.length; i++) {
          worst = Math.max(worst, Math.abs(fromExport[i] - exact[i]));
        }
        double bound =
            (7 * original.config().numHiddenLayers() + 2)
                * Math.scalb(1.0, bf16 ? -9 : -12)
                * scale;
        System.out.printf(
            "export %s checkpoint %d: max |delta logit| %.3g, bound %.3g (max |logit| %.3g)%n",
            dtype, iteration, worst, bound, scale);
        assertThat(worst)
            .as("%s checkpoint %d", dtype, iteration)
            .isLessThanOrEqualTo(bound)
            .isGreaterThan(0.0);
      }
    }
  }

  /**
   * Qwen2ForCausalLM's parameter names and shapes, written out from its modeling code rather than
   * taken from this project's model: what transformers and vLLM look up by name.
   */
  static Map<String, List<Long>> qwen2Layout(Qwen2Config c) {
    long h = c.hiddenSize();
    long v = c.vocabSize();
    long kv = (long) c.numKeyValueHeads() * (h / c.numAttentionHeads());
    long i = c.intermediateSize();
    Map<String, List<Long>> layout = new TreeMap<>();
    layout.put("model.embed_tokens.weight", List.of(v, h));
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      layout.put(p + "self_attn.q_proj.weight", List.of(h, h));
      layout.put(p + "self_attn.q_proj.bias", List.of(h));
      layout.put(p + "self_attn.k_proj.weight", List.of(kv, h));
      layout.put(p + "self_attn.k_proj.bias", List.of(kv));
      layout.put(p + "self_attn.v_proj.weight", List.of(kv, h));
      layout.put(p + "self_attn.v_proj.bias", List.of(kv));
      layout.put(p + "self_attn.o_proj.weight", List.of(h, h));
      layout.put(p + "mlp.gate_proj.weight", List.of(i, h));
      layout.put(p + "mlp.up_proj.weight", List.of(i, h));
      layout.put(p + "mlp.down_proj.weight", List.of(h, i));
      layout.put(p + "input_layernorm.weight", List.of(h));
      layout.put(p + "post_attention_layernorm.weight", List.of(h));
    }
    layout.put("model.norm.weight", List.of(h));
    if (!c.tieWordEmbeddings()) {
      layout.put("lm_head.weight", List.of(v, h));
    }
    return layout;
  }

  /** Every tensor of the safetensors files of {@code folder}: name to (file, header entry). */
  static Map<String, Map.Entry<String, Safetensors.Entry>> headers(Path folder) throws Exception {
    Map<String, Map.Entry<String, Safetensors.Entry>> all = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
        for (Safetensors.Entry entry : Safetensors.readHeader(file).values()) {
          assertThat(all.put(entry.name(), Map.entry(file.getFileName().toString(), entry)))
              .as("%s twice", entry.name())
              .isNull();
        }
      }
    }
    return all;
  }

  static Map<String, List<Long>> shapes(Map<String, Map.Entry<String, Safetensors.Entry>> headers) {
    Map<String, List<Long>> shapes = new TreeMap<>();
    headers.forEach(
        (name, e) ->
            shapes.put(name, java.util.Arrays.stream(e.getValue().shape()).boxed().toList()));
    return shapes;
  }

  @Test
  void layoutNamesShapesDtypesAndIndexAreQwen2s() throws Exception {
    record Case(int checkpoint, String dtype, String safetensors, String torch, String shard) {}
    for (Case c :
        List.of(
            new Case(0, "fp16", "F16", "float16", "10KB"),
            new Case(1, "bf16", "BF16", "bfloat16", "5GB"))) {
      Path out = dir.resolve("layout-" + c.checkpoint());
      export(
          "--checkpoint",
          String.valueOf(c.checkpoint()),
          "--dtype",
          c.dtype(),
          "--max-shard-size",
          c.shard(),
          "--output",
          out.toString());
      Qwen2Config model = checkpointPolicy(c.checkpoint()).config();

      JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
      assertThat(config.get("architectures").toString()).isEqualTo("[\"Qwen2ForCausalLM\"]");
      assertThat(config.get("model_type").asText()).isEqualTo("qwen2");
      assertThat(config.get("torch_dtype").asText()).isEqualTo(c.torch());
      assertThat(config.get("tie_word_embeddings").asBoolean())
          .isEqualTo(model.tieWordEmbeddings());

      Map<String, Map.Entry<String, Safetensors.Entry>> headers = headers(out);
      assertThat(shapes(headers)).isEqualTo(qwen2Layout(model));
      headers
          .values()
          .forEach(e -> assertThat(e.getValue().dtype().name()).isEqualTo(c.safetensors()));
      long bytes =
          headers.values().stream().mapToLong(e -> e.getValue().end() - e.getValue().begin()).sum();
      assertThat(bytes).isEqualTo(model.parameterCount() * (c.dtype().equals("fp32") ? 4 : 2));

      Path index = out.resolve("model.safetensors.index.json");
      if (c.checkpoint() == 0) {
        JsonNode json = JSON.readTree(index.toFile());
        assertThat(json.get("metadata").get("total_size").asLong()).isEqualTo(bytes);
        Map<String, String> weightMap = new TreeMap<>();
        json.get("weight_map")
            .properties()
            .forEach(e -> weightMap.put(e.getKey(), e.getValue().asText()));
        Map<String, String> holders = new TreeMap<>();
        headers.forEach((name, e) -> holders.put(name, e.getKey()));
        assertThat(weightMap).isEqualTo(holders);
        int shards = (int) holders.values().stream().distinct().count();
        assertThat(shards).isGreaterThan(1);
        for (int s = 1; s <= shards; s++) {
          assertThat(out.resolve(String.format("model-%05d-of-%05d.safetensors", s, shards)))
              .isRegularFile();
        }
        assertThat(out.resolve("tokenizer.json")).hasContent(TOKENIZER);
      } else {
        assertThat(index).doesNotExist();
        assertThat(out.resolve("model.safetensors")).isRegularFile();
      }

      JsonNode generation = JSON.readTree(out.resolve("generation_config.json").toFile());
      assertThat(generation.get("stop_strings").toString())
          .isEqualTo("[\"</answer>\",\"User:\",\"Human:\",\"Assistant:\"]");
      assertThat(generation.get("eos_token_id").toString())
          .isEqualTo(
              model.eosTokenIds().size() == 1
                  ? model.eosTokenIds().get(0).toString()
                  : model.eosTokenIds().toString().replace(" ", ""));
      assertThat(generation.get("max_new_tokens").asInt()).isEqualTo(64);
      assertThat(generation.get("top_k").asInt()).isEqualTo(5);
      assertThat(generation.get("do_sample").asBoolean()).isTrue();
      assertThat(out.resolve("_SUCCESS")).exists();
      assertThat(out.resolve("critic")).doesNotExist();
      assertThat(Files.getPosixFilePermissions(out))
          .isEqualTo(
              Files.getPosixFilePermissions(
                  Files.createDirectory(dir.resolve("new-" + c.checkpoint()))));
      try (Stream<Path> files = Files.list(out)) {
        assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".crc"));
      }
    }
  }

  @Test
  void theCriticIsATokenClassifierWithAZeroBias() throws Exception {
    Path out = dir.resolve("with-critic");
    export("--checkpoint", "0", "--dtype", "fp32", "--critic", "--output", out.toString());
    Path critic = out.resolve("critic");
    assertThat(Files.getPosixFilePermissions(critic)).isEqualTo(Files.getPosixFilePermissions(out));

    JsonNode config = JSON.readTree(critic.resolve("config.json").toFile());
    assertThat(config.get("architectures").toString())
        .isEqualTo("[\"Qwen2ForTokenClassification\"]");
    assertThat(config.get("num_labels").asInt()).isEqualTo(1);
    assertThat(config.get("id2label").toString()).isEqualTo("{\"0\":\"value\"}");
    assertThat(config.get("label2id").toString()).isEqualTo("{\"value\":0}");

    Qwen2Config model = TestModels.untied();
    Map<String, List<Long>> expected = qwen2Layout(model);
    expected.remove("lm_head.weight");
    expected.put("score.weight", List.of(1L, (long) model.hiddenSize()));
    expected.put("score.bias", List.of(1L));
    assertThat(shapes(headers(critic))).isEqualTo(expected);

    ModelCheckpoint exported = ModelCheckpoint.read(critic);
    ModelCheckpoint original =
        ModelCheckpoint.read(LocalRuns.local(new RunLayout(run).checkpoint(0)).resolve("critic"));
    assertThat(HostTensor.copyOf(exported.tensors().get("score.weight")).data())
        .isEqualTo(HostTensor.copyOf(original.tensors().get("score.weight")).data());
    assertThat(HostTensor.copyOf(exported.tensors().get("score.bias")).data()).containsExactly(0f);
    // The policy beside it is the policy, not the critic's backbone.
    assertThat(
            HostTensor.copyOf(ModelCheckpoint.read(out).tensors().get("model.norm.weight")).data())
        .isEqualTo(
            HostTensor.copyOf(checkpointPolicy(0).tensors().get("model.norm.weight")).data());
  }

  @Test
  void theModelCardNamesBaseChangedSettingsAndEvaluations() throws Exception {
    Path benchmark =
        Files.createDirectories(
            LocalRuns.local(new RunLayout(run).eval()).resolve("checkpoint=1/benchmark=math500"));
    Files.writeString(
        benchmark.resolve("_result.json"),
        "{\"questions\":500.0,\"samples\":16.0,"
            + "\"avg_at_k\":0.25,\"pass_at_k\":0.5,\"maj_at_k\":0.375,\"format_rate\":1.0}");
    Files.writeString(benchmark.resolve("_SUCCESS"), "");
    Path out = dir.resolve("card");

    ExportCommand.Result result = export("--output", out.toString());

    assertThat(result.checkpoint()).isEqualTo(1);
    String card = Files.readString(out.resolve("README.md"));
    assertThat(card)
        .contains("# run, checkpoint 1")
        .contains("Base model: `/models/qwen-base`")
        .contains("| `rollout.max_response_tokens` | 64 | 8000 |")
        .contains("| `rollout.top_k` | 5 | 0 |")
        .contains("| math500 | 500 | 16 | 0.250 | 0.500 | 0.375 | 1.000 |")
        .doesNotContain("critic/");
    export("--checkpoint", "0", "--output", out.toString(), "--overwrite");
    assertThat(Files.readString(out.resolve("README.md"))).contains("Not evaluated");
  }

  @Test
  void anExistingOutputIsKeptWithoutOverwrite() throws Exception {
    Path out = dir.resolve("kept");
    export("--checkpoint", "1", "--output", out.toString());
    assertThatThrownBy(() -> export("--checkpoint", "0", "--output", out.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already exists");
    assertThat(JSON.readTree(out.resolve("config.json").toFile()).get("vocab_size").asInt())
        .isEqualTo(TestModels.tied().vocabSize());
  }
}
