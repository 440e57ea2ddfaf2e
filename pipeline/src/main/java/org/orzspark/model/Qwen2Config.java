package org.orzspark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The architecture of a Qwen2 decoder, read from and written to a Hugging Face {@code config.json}
 * with {@code Qwen2Config}'s field names, so checkpoints move between this engine, transformers and
 * vLLM unchanged.
 *
 * @param vocabSize {@code vocab_size}: rows of the embedding and of the LM head
 * @param hiddenSize {@code hidden_size}: model width H
 * @param intermediateSize {@code intermediate_size}: SwiGLU inner width
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}: query heads; head dim = H / heads
 * @param numKeyValueHeads {@code num_key_value_heads}: key/value heads (grouped-query attention)
 * @param maxPositionEmbeddings {@code max_position_embeddings}: longest sequence the model supports
 * @param ropeTheta {@code rope_theta}: rotary embedding base
 * @param rmsNormEps {@code rms_norm_eps}
 * @param tieWordEmbeddings {@code tie_word_embeddings}: the LM head reuses the embedding matrix
 * @param bosTokenId {@code bos_token_id}, or null when the model has none
 * @param eosTokenIds {@code eos_token_id} (a number or a list in Hugging Face configs)
 * @param torchDtype {@code torch_dtype}: the dtype the weights are stored in on disk
 */
public record Qwen2Config(
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int maxPositionEmbeddings,
    double ropeTheta,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    Integer bosTokenId,
    List<Integer> eosTokenIds,
    String torchDtype) {

  public static final String FILE_NAME = "config.json";

  /**
   * Named sizes used by the benchmark and by {@code orz pretrain-base}: {@code tiny}, {@code
   * small}.
   */
  public static final List<String> NAMED = List.of("tiny", "small");

  public Qwen2Config {
    eosTokenIds = List.copyOf(eosTokenIds);
    validate(
        vocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        maxPositionEmbeddings,
        ropeTheta,
        rmsNormEps,
        torchDtype);
  }

  /**
   * A named architecture: {@code tiny} (~0.9M parameters: 3 layers, width 128, 4 query / 2 KV
   * heads, SwiGLU 512) or {@code small} (~10M: 6 layers, width 384, 6 query / 2 KV heads, SwiGLU
   * 1024); both tie the LM head to the embedding and default to a 1,024-token vocabulary (see
   * {@link #withVocabSize}).
   */
  public static Qwen2Config named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "tiny" ->
          new Qwen2Config(
              1024, 128, 512, 3, 4, 2, 2048, 10000.0, 1e-6, true, null, List.of(), "float32");
      case "small" ->
          new Qwen2Config(
              1024, 384, 1024, 6, 6, 2, 2048, 10000.0, 1e-6, true, null, List.of(), "float32");
      default ->
          throw new IllegalArgumentException(
              "unknown model config '" + name + "'; valid names: " + NAMED);
    };
  }

  public Qwen2Config withVocabSize(int newVocabSize) {
    return with(newVocabSize, numHiddenLayers, bosTokenId, eosTokenIds, torchDtype);
  }

  public Qwen2Config withSpecialTokens(Integer newBosTokenId, List<Integer> newEosTokenIds) {
    return with(vocabSize, numHiddenLayers, newBosTokenId, newEosTokenIds, torchDtype);
  }

  /** This architecture with {@code layers} decoder layers (a shape's memory on a small budget). */
  public Qwen2Config withLayers(int layers) {
    return with(vocabSize, layers, bosTokenId, eosTokenIds, torchDtype);
  }

  public Qwen2Config withTorchDtype(String newTorchDtype) {
    return with(vocabSize, numHiddenLayers, bosTokenId, eosTokenIds, newTorchDtype);
  }

  /** This configuration with the fields the withers change replaced. */
  private Qwen2Config with(
      int newVocabSize,
      int layers,
      Integer newBosTokenId,
      List<Integer> newEosTokenIds,
      String newTorchDtype) {
    return new Qwen2Config(
        newVocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        numAttentionHeads,
        numKeyValueHeads,
        maxPositionEmbeddings,
        ropeTheta,
        rmsNormEps,
        tieWordEmbeddings,
        newBosTokenId,
        newEosTokenIds,
        newTorchDtype);
  }

  /** Width of one attention head: hidden_size / num_attention_heads. */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** Query heads per key/value head. */
  public int queryGroupSize() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** Parameters of the causal LM (embedding, layers, final norm, and the LM head when untied). */
  public long parameterCount() {
    long h = hiddenSize;
    long kv = (long) numKeyValueHeads * headDim();
    long attention = h * h + h + 2 * (h * kv + kv) + h * h;
    long mlp = 3 * h * intermediateSize;
    long layer = attention + mlp + 2 * h;
    long embedding = (long) vocabSize * h;
    return embedding + numHiddenLayers * layer + h + (tieWordEmbeddings ? 0 : embedding);
  }

  /**
   * Reads {@code config.json}; a missing or invalid field is reported with the file and field name.
   */
  public static Qwen2Config read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return fromJson(ModelJson.parseObject(text));
    } catch (IllegalArgumentException | IllegalStateException | JsonProcessingException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code config.json} as {@code Qwen2ForCausalLM} would. */
  public void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  static Qwen2Config fromJson(ObjectNode json) {
    if (json.has("model_type") && !"qwen2".equals(text(json, "model_type"))) {
      throw new IllegalArgumentException(
          "model_type is '" + text(json, "model_type") + "', expected 'qwen2'");
    }
    if (json.has("rope_scaling") && !json.get("rope_scaling").isNull()) {
      throw new IllegalArgumentException(
          "rope_scaling is not supported: " + json.get("rope_scaling"));
    }
    if (json.has("hidden_act") && !"silu".equals(text(json, "hidden_act"))) {
      throw new IllegalArgumentException(
          "hidden_act is '" + text(json, "hidden_act") + "', expected 'silu'");
    }
    Integer bos = null;
    if (json.has("bos_token_id") && !json.get("bos_token_id").isNull()) {
      bos = (int) ModelJson.integer(json.get("bos_token_id"), "bos_token_id");
    }
    List<Integer> eos = new ArrayList<>();
    JsonNode eosJson = json.get("eos_token_id");
    if (eosJson != null && eosJson.isArray()) {
      eosJson.forEach(e -> eos.add((int) ModelJson.integer(e, "eos_token_id")));
    } else if (eosJson != null && !eosJson.isNull()) {
      eos.add((int) ModelJson.integer(eosJson, "eos_token_id"));
    }
    return new Qwen2Config(
        requiredInt(json, "vocab_size"),
        requiredInt(json, "hidden_size"),
        requiredInt(json, "intermediate_size"),
        requiredInt(json, "num_hidden_layers"),
        requiredInt(json, "num_attention_heads"),
        requiredInt(json, "num_key_value_heads"),
        requiredInt(json, "max_position_embeddings"),
        requiredNumber(json, "rope_theta").doubleValue(),
        requiredNumber(json, "rms_norm_eps").doubleValue(),
        json.has("tie_word_embeddings") && json.get("tie_word_embeddings").asBoolean(),
        bos,
        eos,
        json.has("torch_dtype") ? text(json, "torch_dtype") : "float32");
  }

  private static String text(ObjectNode json, String field) {
    return ModelJson.text(json.get(field), field);
  }

  String toJson() {
    ObjectNode json = ModelJson.object();
    json.putArray("architectures").add("Qwen2ForCausalLM");
    json.put("model_type", "qwen2");
    json.put("vocab_size", vocabSize);
    json.put("hidden_size", hiddenSize);
    json.put("intermediate_size", intermediateSize);
    json.put("num_hidden_layers", numHiddenLayers);
    json.put("num_attention_heads", numAttentionHeads);
    json.put("num_key_value_heads", numKeyValueHeads);
    json.put("max_position_embeddings", maxPositionEmbeddings);
    json.put("rope_theta", ropeTheta);
    json.put("rms_norm_eps", rmsNormEps);
    json.put("tie_word_embeddings", tieWordEmbeddings);
    json.put("hidden_act", "silu");
    json.put("initializer_range", 0.02);
    json.put("attention_dropout", 0.0);
    json.put("use_sliding_window", false);
    json.put("use_cache", true);
    if (bosTokenId != null) {
      json.put("bos_token_id", bosTokenId);
    }
    if (eosTokenIds.size() == 1) {
      json.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      ArrayNode eos = json.putArray("eos_token_id");
      eosTokenIds.forEach(eos::add);
    }
    json.put("torch_dtype", torchDtype);
    try {
      return ModelJson.pretty(json) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write config.json", e);
    }
  }

  private static Number requiredNumber(ObjectNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException("field '" + field + "' is not a number: " + value);
    }
    return value.numberValue();
  }

  private static int requiredInt(ObjectNode json, String field) {
    Number number = requiredNumber(json, field);
    if (number.doubleValue() != Math.rint(number.doubleValue())) {
      throw new IllegalArgumentException("field '" + field + "' is not an integer: " + number);
    }
    return number.intValue();
  }

  private static void validate(
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int numHiddenLayers,
      int heads,
      int kvHeads,
      int maxPositions,
      double ropeTheta,
      double eps,
      String torchDtype) {
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", heads);
    positive("num_key_value_heads", kvHeads);
    positive("max_position_embeddings", maxPositions);
    if (hiddenSize % heads != 0 || (hiddenSize / heads) % 2 != 0) {
      throw new IllegalArgumentException(
          "hidden_size "
              + hiddenSize
              + " must be num_attention_heads "
              + heads
              + " times an even head dimension");
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
    }
    if (!(ropeTheta > 0) || !(eps > 0)) {
      throw new IllegalArgumentException("rope_theta and rms_norm_eps must be positive");
    }
    if (!List.of("float32", "bfloat16", "float16").contains(torchDtype)) {
      throw new IllegalArgumentException(
          "torch_dtype '" + torchDtype + "' is not one of float32, bfloat16, float16");
    }
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("field '" + field + "' must be positive, got " + value);
    }
  }
}
