package org.orzspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.orzspark.testing.FreshManagerTest;
import org.orzspark.testing.RepoData;

class ModelCheckpointTest extends FreshManagerTest {
  @Test
  void saveThenLoadIsBitExactForPolicyAndCritic(@TempDir Path dir) throws Exception {
    Path tokenizerSource = RepoData.resolve("tokenizers/qwen3");
    try (PolicyModel policy = PolicyModel.random(TestModels.untied(), 3, manager);
        CriticModel critic =
            CriticModel.random(TestModels.tied(), 4, ValueHeadInit.NORMAL, manager)) {
      policy.setTokenizerDir(tokenizerSource);
      policy.save(dir.resolve("policy"));
      critic.save(dir.resolve("critic"));
      assertThat(dir.resolve("policy/tokenizer.json"))
          .hasSameBinaryContentAs(tokenizerSource.resolve("tokenizer.json"));
      assertThat(dir.resolve("policy/tokenizer_config.json")).exists();
      assertThat(Files.readString(dir.resolve("policy/config.json")))
          .contains(
              "\"Qwen2ForCausalLM\"", "\"model_type\": \"qwen2\"", "\"num_key_value_heads\": 2");
      try (PolicyModel loaded = PolicyModel.load(dir.resolve("policy"), manager);
          CriticModel loadedCritic =
              CriticModel.load(dir.resolve("critic"), manager, ValueHeadInit.UNIFORM, 99)) {
        assertThat(loaded.config()).isEqualTo(policy.config());
        assertSameParameters(loaded, policy);
        assertSameParameters(loadedCritic, critic);
        assertThat(loaded.tokenizerDir()).contains(dir.resolve("policy"));
      }
    }
    try (Stream<Path> leftovers = Files.list(dir)) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).containsOnly("policy", "critic");
    }
  }

  @Test
  void aCriticFromABaseModelGetsAValueHeadAndDropsTheLmHead(@TempDir Path dir) throws Exception {
    try (PolicyModel base = PolicyModel.random(TestModels.untied(), 5, manager)) {
      base.save(dir);
    }
    try (CriticModel uniform = CriticModel.load(dir, manager, ValueHeadInit.UNIFORM, 1);
        CriticModel normal = CriticModel.load(dir, manager, ValueHeadInit.NORMAL, 1)) {
      assertThat(uniform.parameters().keys())
          .contains("score.weight")
          .doesNotContain("lm_head.weight");
      float[] u = uniform.parameters().get("score.weight").getArray().toFloatArray();
      float[] n = normal.parameters().get("score.weight").getArray().toFloatArray();
      double bound = 1 / Math.sqrt(32);
      for (float w : u) {
        assertThat((double) w).isBetween(-bound, bound);
      }
      double spread = 0;
      for (float w : n) {
        spread += w * w / n.length;
      }
      // N(0, (1/33)²): root mean square near 1/33, far below the uniform head's 1/sqrt(3·32)
      assertThat(Math.sqrt(spread)).isCloseTo(1 / 33.0, within(0.015));
    }
  }

  @Test
  void bf16AndShardedCheckpointsLoadWidenedToFloat32(@TempDir Path dir) throws Exception {
    ModelCheckpoint original = TestModels.checkpoint(TestModels.untied(), 8, false);
    original.write(dir.resolve("bf16"), SafetensorsDtype.BF16, Long.MAX_VALUE);
    original.write(dir.resolve("sharded"), SafetensorsDtype.F32, 40_000);
    assertThat(Files.readString(dir.resolve("bf16/config.json"))).contains("\"bfloat16\"");
    assertThat(dir.resolve("sharded/model.safetensors.index.json")).exists();
    assertThat(dir.resolve("sharded/model-00001-of-00003.safetensors")).exists();
    assertThat(dir.resolve("sharded/model-00003-of-00003.safetensors")).exists();

    ModelCheckpoint bf16 = ModelCheckpoint.read(dir.resolve("bf16"));
    ModelCheckpoint sharded = ModelCheckpoint.read(dir.resolve("sharded"));
    for (TensorValues values : original.tensors().values()) {
      HostTensor tensor = HostTensor.copyOf(values);
      float[] widened = HostTensor.copyOf(bf16.tensors().get(tensor.name())).data();
      for (int i = 0; i < widened.length; i++) {
        // bf16 keeps 8 significant bits: relative error at most 2^-8, and exactly the rounded value
        assertThat(widened[i])
            .isCloseTo(tensor.data()[i], within(Math.abs(tensor.data()[i]) / 256f))
            .isEqualTo(
                SafetensorsDtype.bf16ToFloat(SafetensorsDtype.floatToBf16(tensor.data()[i])));
      }
      assertThat(HostTensor.copyOf(sharded.tensors().get(tensor.name())).data())
          .containsExactly(tensor.data());
    }
    try (PolicyModel policy = PolicyModel.load(dir.resolve("bf16"), manager)) {
      assertThat(policy.parameters().get("lm_head.weight").getArray().getDataType().name())
          .isEqualTo("FLOAT32");
    }
  }

  @Test
  void halfAndBfloatBitsWidenExactly(@TempDir Path dir) throws Exception {
    assertThat(SafetensorsDtype.f16ToFloat((short) 0x3C00)).isEqualTo(1f);
    assertThat(SafetensorsDtype.f16ToFloat((short) 0xC000)).isEqualTo(-2f);
    assertThat(SafetensorsDtype.f16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(SafetensorsDtype.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(SafetensorsDtype.f16ToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(SafetensorsDtype.bf16ToFloat((short) 0x3F80)).isEqualTo(1f);
    assertThat(SafetensorsDtype.bf16ToFloat((short) 0xC0A0)).isEqualTo(-5f);
    // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties to even (1)
    assertThat(SafetensorsDtype.floatToBf16(1 + 0x1p-8f)).isEqualTo((short) 0x3F80);
    assertThat(SafetensorsDtype.floatToBf16(1 + 0x1.8p-8f)).isEqualTo((short) 0x3F81);

    // a hand-made F16 file: [1.0, -2.0, 0.5]
    Path file = dir.resolve("half.safetensors");
    writeRaw(
        file,
        "{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}",
        new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0, 0x00, 0x38});
    assertThat(HostTensor.copyOf(Safetensors.read(file).get("w")).data())
        .containsExactly(1f, -2f, 0.5f);
  }

  @Test
  void malformedFilesFailNamingFileAndTensor(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.safetensors");
    writeRaw(bad, "{\"w\": [not json", new byte[0]);
    assertThatThrownBy(() -> Safetensors.read(bad))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("bad safetensors header");

    Path huge = dir.resolve("huge.safetensors");
    Files.write(
        huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    assertThatThrownBy(() -> Safetensors.read(huge))
        .hasMessageContaining("bad safetensors header " + "length");

    Path truncated = dir.resolve("truncated.safetensors");
    writeRaw(
        truncated,
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
        new byte[12]);
    assertThatThrownBy(() -> Safetensors.read(truncated))
        .hasMessageContaining(truncated.toString())
        .hasMessageContaining("tensor 'w' is truncated");

    Path inconsistent = dir.resolve("inconsistent.safetensors");
    writeRaw(
        inconsistent,
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}",
        new byte[16]);
    assertThatThrownBy(() -> Safetensors.read(inconsistent))
        .hasMessageContaining("tensor 'w' has shape [2, 3]");

    Path int8 = dir.resolve("int8.safetensors");
    writeRaw(int8, "{\"q\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
    assertThatThrownBy(() -> Safetensors.read(int8))
        .hasMessageContaining("tensor 'q' has unsupported dtype I8");
  }

  @Test
  void missingTensorWrongShapeAndMissingConfigFieldFailClearly(@TempDir Path dir) throws Exception {
    ModelCheckpoint original = TestModels.checkpoint(TestModels.untied(), 8, false);
    Map<String, TensorValues> missing = new LinkedHashMap<>(original.tensors());
    missing.remove("model.layers.1.mlp.up_proj.weight");
    new ModelCheckpoint(original.config(), missing, Map.of(), Optional.empty())
        .write(dir.resolve("missing"));
    assertThatThrownBy(() -> PolicyModel.load(dir.resolve("missing"), manager))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(dir.resolve("missing/model.safetensors").toString())
        .hasMessageContaining("missing tensor 'model.layers.1.mlp.up_proj.weight'");

    Map<String, TensorValues> reshaped = new LinkedHashMap<>(original.tensors());
    reshaped.put(
        "model.norm.weight",
        new HostTensor("model.norm.weight", new long[] {2, 16}, new float[32]));
    new ModelCheckpoint(original.config(), reshaped, Map.of(), Optional.empty())
        .write(dir.resolve("reshaped"));
    assertThatThrownBy(() -> PolicyModel.load(dir.resolve("reshaped"), manager))
        .hasMessageContaining(dir.resolve("reshaped/model.safetensors").toString())
        .hasMessageContaining("tensor 'model.norm.weight' has shape [2, 16], expected [32]");

    original.write(dir.resolve("noconfig"));
    Path config = dir.resolve("noconfig/config.json");
    Files.writeString(config, Files.readString(config).replace("\"num_key_value_heads\"", "\"x\""));
    assertThatThrownBy(() -> PolicyModel.load(dir.resolve("noconfig"), manager))
        .hasMessageContaining(config.toString())
        .hasMessageContaining("missing field 'num_key_value_heads'");

    original.write(dir.resolve("shardless"), SafetensorsDtype.F32, 40_000);
    Files.delete(dir.resolve("shardless/model-00002-of-00003.safetensors"));
    assertThatThrownBy(() -> ModelCheckpoint.read(dir.resolve("shardless")))
        .hasMessageContaining("model-00002-of-00003.safetensors: missing weights file");

    assertThatThrownBy(() -> ModelCheckpoint.read(dir.resolve("nowhere")))
        .hasMessageContaining("config.json: missing");
  }

  @Test
  void theIndexMustSayWhereEveryTensorIs(@TempDir Path dir) throws Exception {
    ModelCheckpoint original = TestModels.checkpoint(TestModels.untied(), 8, false);
    original.write(dir.resolve("misplaced"), SafetensorsDtype.F32, 40_000);
    Path index = dir.resolve("misplaced/" + ModelCheckpoint.INDEX_FILE);
    var json = ModelJson.parseObject(Files.readString(index));
    var weightMap = (com.fasterxml.jackson.databind.node.ObjectNode) json.get("weight_map");
    // model.norm.weight is written last, into the last of the 3 shards.
    assertThat(weightMap.get("model.norm.weight").asText())
        .isEqualTo("model-00003-of-00003.safetensors");
    weightMap.put("model.norm.weight", "model-00001-of-00003.safetensors");
    Files.writeString(index, ModelJson.pretty(json));
    assertThatThrownBy(() -> ModelCheckpoint.read(dir.resolve("misplaced")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(
            "model-00003-of-00003.safetensors: tensor 'model.norm.weight' is"
                + " listed in model.safetensors.index.json as in model-00001-of-00003.safetensors");

    weightMap.remove("model.norm.weight");
    Files.writeString(index, ModelJson.pretty(json));
    assertThatThrownBy(() -> ModelCheckpoint.read(dir.resolve("misplaced")))
        .hasMessageContaining(
            "tensor 'model.norm.weight' is not listed in" + " model.safetensors.index.json");
  }

  @Test
  void configReadsHuggingFaceFieldsAndNamedSizes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(
        file,
        """
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 151936,
         "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
         "num_attention_heads": 14, "num_key_value_heads": 2, "max_position_embeddings": 32768,
         "rope_theta": 1000000.0, "rms_norm_eps": 1e-06, "tie_word_embeddings": true,
         "bos_token_id": 151643, "eos_token_id": 151643, "torch_dtype": "bfloat16",
         "hidden_act": "silu", "sliding_window": 32768, "use_sliding_window": false}
        """);
    Qwen2Config qwen05 = Qwen2Config.read(file);
    assertThat(qwen05.headDim()).isEqualTo(64);
    assertThat(qwen05.queryGroupSize()).isEqualTo(7);
    assertThat(qwen05.eosTokenIds()).containsExactly(151643);
    // Qwen2.5-0.5B has 494M parameters (tied)
    assertThat(qwen05.parameterCount()).isBetween(494_000_000L, 494_100_000L);
    qwen05.write(file);
    assertThat(Qwen2Config.read(file)).isEqualTo(qwen05);

    assertThat(Qwen2Config.named("tiny").parameterCount()).isBetween(800_000L, 1_200_000L);
    assertThat(Qwen2Config.named("small").parameterCount()).isBetween(9_000_000L, 11_000_000L);
    assertThatThrownBy(() -> Qwen2Config.named("huge")).hasMessageContaining("tiny, small");
    assertThatThrownBy(
            () ->
                new Qwen2Config(10, 30, 8, 1, 4, 2, 8, 1e4, 1e-6, true, null, List.of(), "float32"))
        .hasMessageContaining("hidden_size 30");
  }

  private static void assertSameParameters(Qwen2Model actual, Qwen2Model expected) {
    assertThat(actual.parameters().keys()).isEqualTo(expected.parameters().keys());
    for (Pair<String, Parameter> p : expected.parameters()) {
      assertThat(actual.parameters().get(p.getKey()).getArray().toFloatArray())
          .as(p.getKey())
          .containsExactly(p.getValue().getArray().toFloatArray());
    }
  }

  private static void writeRaw(Path file, String header, byte[] data) throws Exception {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json).put(data);
    Files.write(file, buffer.array());
  }
}
