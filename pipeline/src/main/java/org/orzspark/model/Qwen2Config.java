package org.orzspark.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
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
    return new Qwen2Config(
        newVocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        maxPositionEmbeddings,
        ropeTheta,
        rmsNormEps,
        tieWordEmbeddings,
        bosTokenId,
        eosTokenIds,
        torchDtype);
  }

  public Qwen2Config withSpecialTokens(Integer newBosTokenId, List<Integer> newEosTokenIds) {
    return new Qwen2Config(
        vocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        maxPositionEmbeddings,
        ropeTheta,
        rmsNormEps,
        tieWordEmbeddings,
        newBosTokenId,
        newEosTokenIds,
        torchDtype);
  }

  public Qwen2Config withTorchDtype(String newTorchDtype) {
    return new Qwen2Config(
        vocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        maxPositionEmbeddings,
        ropeTheta,
        rmsNormEps,
        tieWordEmbeddings,
        bosTokenId,
        eosTokenIds,
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
      return fromJson(JsonParser.parseString(text).getAsJsonObject());
    } catch (IllegalArgumentException | IllegalStateException | JsonParseException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code config.json} as {@code Qwen2ForCausalLM} would. */
  public void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  static Qwen2Config fromJson(JsonObject json) {
    if (json.has("model_type") && !"qwen2".equals(json.get("model_type").getAsString())) {
      throw new IllegalArgumentException(
          "model_type is '" + json.get("model_type").getAsString() + "', expected 'qwen2'");
    }
    if (json.has("rope_scaling") && !json.get("rope_scaling").isJsonNull()) {
      throw new IllegalArgumentException(
          "rope_scaling is not supported: " + json.get("rope_scaling"));
    }
    if (json.has("hidden_act") && !"silu".equals(json.get("hidden_act").getAsString())) {
      throw new IllegalArgumentException(
          "hidden_act is '" + json.get("hidden_act").getAsString() + "', expected 'silu'");
    }
    Integer bos = null;
    if (json.has("bos_token_id") && !json.get("bos_token_id").isJsonNull()) {
      bos = json.get("bos_token_id").getAsInt();
    }
    List<Integer> eos = new ArrayList<>();
    JsonElement eosJson = json.get("eos_token_id");
    if (eosJson != null && eosJson.isJsonArray()) {
      eosJson.getAsJsonArray().forEach(e -> eos.add(e.getAsInt()));
    } else if (eosJson != null && !eosJson.isJsonNull()) {
      eos.add(eosJson.getAsInt());
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
        json.has("tie_word_embeddings") && json.get("tie_word_embeddings").getAsBoolean(),
        bos,
        eos,
        json.has("torch_dtype") ? json.get("torch_dtype").getAsString() : "float32");
  }

  String toJson() {
    JsonObject json = new JsonObject();
    JsonArray architectures = new JsonArray();
    architectures.add("Qwen2ForCausalLM");
    json.add("architectures", architectures);
    json.addProperty("model_type", "qwen2");
    json.addProperty("vocab_size", vocabSize);
    json.addProperty("hidden_size", hiddenSize);
    json.addProperty("intermediate_size", intermediateSize);
    json.addProperty("num_hidden_layers", numHiddenLayers);
    json.addProperty("num_attention_heads", numAttentionHeads);
    json.addProperty("num_key_value_heads", numKeyValueHeads);
    json.addProperty("max_position_embeddings", maxPositionEmbeddings);
    json.addProperty("rope_theta", ropeTheta);
    json.addProperty("rms_norm_eps", rmsNormEps);
    json.addProperty("tie_word_embeddings", tieWordEmbeddings);
    json.addProperty("hidden_act", "silu");
    json.addProperty("initializer_range", 0.02);
    json.addProperty("attention_dropout", 0.0);
    json.addProperty("use_sliding_window", false);
    json.addProperty("use_cache", true);
    if (bosTokenId != null) {
      json.addProperty("bos_token_id", bosTokenId);
    }
    if (eosTokenIds.size() == 1) {
      json.addProperty("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      JsonArray eos = new JsonArray();
      eosTokenIds.forEach(eos::add);
      json.add("eos_token_id", eos);
    }
    json.addProperty("torch_dtype", torchDtype);
    return new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n";
  }

  private static Number requiredNumber(JsonObject json, String field) {
    JsonElement value = json.get(field);
    if (value == null || value.isJsonNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException("field '" + field + "' is not a number: " + value);
    }
    return value.getAsNumber();
  }

  private static int requiredInt(JsonObject json, String field) {
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
